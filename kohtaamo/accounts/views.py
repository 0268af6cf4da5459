from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kohtaamo.accounts import actions, mfa
from kohtaamo.accounts.forms import ApiTokenForm, LoginForm, OtpForm
from kohtaamo.accounts.models import ApiToken


def _client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "")


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return target
    return "core:my-day"


def login_view(request):
    form = LoginForm(request, data=request.POST or None)
    locked = False
    if request.method == "POST":
        username = request.POST.get("username", "")
        locked = actions.login_is_locked(username, _client_ip(request))
        if locked:
            form = LoginForm(request, data=None, initial={"username": username})
        elif form.is_valid():
            actions.clear_login_failures(username)
            login(request, form.get_user())
            request.session["kohtaamo_next"] = _next_url(request)
            return redirect("accounts:mfa")
        else:
            actions.record_login_failure(username, _client_ip(request))
    return render(
        request,
        "accounts/login.html",
        {
            "form": form,
            "locked": locked,
            "next": request.GET.get("next", ""),
            "lockout_minutes": settings.LOGIN_LOCKOUT_MINUTES,
        },
        status=429 if locked else 200,
    )


@login_required
def mfa_view(request):
    """Verify the second factor, or set it up on the first login."""
    if request.user.is_verified():
        return redirect(request.session.pop("kohtaamo_next", "core:my-day"))
    device = mfa.confirmed_totp(request.user)
    form = OtpForm(request.POST or None)
    if device is None:
        pending = mfa.pending_totp(request.user)
        if request.method == "POST" and form.is_valid():
            if pending.verify_token(form.cleaned_data["token"]):
                codes = mfa.confirm_setup(request, pending)
                return render(request, "accounts/recovery_codes.html", {"codes": codes})
            form.add_error(
                "token", _("The code did not match. Check the time on your phone and try again.")
            )
        return render(
            request,
            "accounts/mfa_setup.html",
            {
                "form": form,
                "qr_svg": mfa.provisioning_qr_svg(pending, request.user),
                "secret": mfa.totp_secret_b32(pending),
            },
        )
    if request.method == "POST" and form.is_valid():
        if mfa.verify(request, form.cleaned_data["token"]):
            return redirect(request.session.pop("kohtaamo_next", "core:my-day"))
        form.add_error("token", _("The code did not match. Try again with a new code."))
    return render(request, "accounts/mfa_verify.html", {"form": form})


@require_POST
def logout_view(request):
    logout(request)
    messages.info(request, _("You have logged out."))
    return redirect("accounts:login")


@require_POST
@login_required
def end_all_sessions(request):
    actions.end_all_sessions(request.user)
    logout(request)
    messages.info(request, _("You were logged out of all sessions."))
    return redirect("accounts:login")


@login_required
def tokens(request):
    form = ApiTokenForm(request.POST or None)
    created = None
    if request.method == "POST" and form.is_valid():
        _token, created = actions.create_api_token(request.user, name=form.cleaned_data["name"])
        form = ApiTokenForm()
    return render(
        request,
        "accounts/tokens.html",
        {"form": form, "created": created, "tokens": request.user.api_tokens.all()},
    )


@require_POST
@login_required
def revoke_token(request, code):
    token = get_object_or_404(ApiToken, code=code, user=request.user)
    actions.revoke_api_token(token)
    messages.success(request, _("The token was revoked."))
    return redirect("accounts:tokens")


@login_required
def profile(request):
    return render(
        request, "accounts/profile.html", {"memberships": request.user.active_memberships()}
    )
