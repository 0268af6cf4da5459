"""Anonymous feedback reached by the QR code or a typed short code. One answer per code."""

from __future__ import annotations

from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from kohtaamo.channel import ratelimit
from kohtaamo.channel.actions import feedback as actions
from kohtaamo.channel.forms import FeedbackCodeForm, FeedbackForm
from kohtaamo.channel.models import FeedbackResponse


def _slow_down(request):
    # Translators: selkokieli
    message = _("You tried many codes. Wait ten minutes and try again.")
    return render(
        request,
        "channel/feedback_code.html",
        {"form": FeedbackCodeForm(), "error": message},
        status=429,
    )


@never_cache
def feedback_start(request):
    """Type the code from the card (the QR code opens the next page directly)."""
    form = FeedbackCodeForm(request.GET if "code" in request.GET else None)
    if form.is_bound and form.is_valid():
        return redirect("channel:feedback", code=form.cleaned_data["code"])
    return render(request, "channel/feedback_code.html", {"form": form})


@never_cache
def feedback_form(request, code):
    source = ratelimit.source_hash(request)
    if ratelimit.exceeded(ratelimit.FEEDBACK_MISS, source):
        return _slow_down(request)
    normalised = actions.normalise_code(code)
    encounter = actions.encounter_for_code(normalised)
    if encounter is None:
        ratelimit.note(ratelimit.FEEDBACK_MISS, source)
        form = FeedbackCodeForm(initial={"code": code[:20]})
        # Translators: selkokieli
        error = _("We did not find this code. Check the code on your card.")
        return render(
            request, "channel/feedback_code.html", {"form": form, "error": error}, status=404
        )
    code_hash = actions.card_code_hash(normalised)
    if actions.is_answered(code_hash):
        return render(
            request,
            "channel/feedback_done.html",
            {"already": True},
            status=409 if request.method == "POST" else 200,
        )
    form = FeedbackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.submit_feedback(
                code_hash=code_hash,
                encounter=encounter,
                source=FeedbackResponse.Source.CARD,
                heard=form.cleaned_data["heard"],
                helped=form.cleaned_data["helped"],
                again=form.cleaned_data["again"],
                comment=form.cleaned_data["comment"],
            )
        except actions.AlreadyAnswered:
            return render(request, "channel/feedback_done.html", {"already": True}, status=409)
        return render(request, "channel/feedback_done.html", {"already": False})
    status = 400 if form.is_bound else 200
    return render(
        request, "channel/feedback.html", {"form": form, "code": normalised}, status=status
    )
