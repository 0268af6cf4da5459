"""Ask for help (public) and the workers' queue of requests (login required)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from kohtaamo.audit.actions import Actor
from kohtaamo.channel import identity as client_identity
from kohtaamo.channel import phrases, ratelimit
from kohtaamo.channel.access import can_see_requests, get_request_for_user, request_org_ids
from kohtaamo.channel.actions import requests as actions
from kohtaamo.channel.forms import HelpRequestForm
from kohtaamo.channel.models import ContactRequest, HelpQueue
from kohtaamo.core.i18n import current_language

SIGNING_SALT = "channel.help-thanks"
THANKS_MAX_AGE = 60 * 60


def _municipalities() -> list[str]:
    names = set()
    for queue in HelpQueue.objects.filter(active=True):
        names.update(queue.municipalities or [])
    return sorted(names)


@never_cache
def help_form(request):
    form = HelpRequestForm(request.POST or None, municipalities=_municipalities())
    queue = actions.queue_for()
    if queue is None:
        return render(request, "channel/help.html", {"form": None}, status=503)
    if request.method == "POST" and form.is_valid():
        source = ratelimit.source_hash(request)
        if not ratelimit.hit(ratelimit.HELP_REQUEST, source):
            form.add_error(
                None,
                # Translators: selkokieli
                _("You have sent many requests in a short time. Wait an hour, or call us."),
            )
            return render(request, "channel/help.html", {"form": form}, status=429)
        data = form.cleaned_data
        queue = actions.queue_for(data.get("municipality") or "")
        person = None
        identity = client_identity.current_identity(request)
        if identity is not None:
            from kohtaamo.people.models import Person

            person = Person.objects.filter(
                organisation_id=queue.organisation_id, hetu_hash=identity.hetu_hash
            ).first()
        created = actions.create_contact_request(
            actions.RequestInput(
                topics=data["topics"],
                message=data["message"],
                name=data["name"],
                phone=data["phone"],
                contact_method=data["contact_method"],
                contact_times=data["contact_times"],
                avoid_times=data["avoid_times"],
                may_say_social_services=data["may_say_social_services"],
                special_group=data["special_group"],
                municipality=data.get("municipality") or "",
                language=current_language(),
            ),
            queue=queue,
            actor=Actor.external("web form", channel="web"),
            person=person,
        )
        token = signing.dumps(
            {"r": created.reference, "d": created.respond_by.isoformat(), "q": queue.pk},
            salt=SIGNING_SALT,
        )
        return redirect(reverse("channel:help-thanks") + f"?t={token}")
    status = 200 if request.method == "GET" or form.is_valid() else 400
    return render(request, "channel/help.html", {"form": form}, status=status)


@require_GET
def help_thanks(request):
    try:
        data = signing.loads(request.GET.get("t", ""), salt=SIGNING_SALT, max_age=THANKS_MAX_AGE)
        reference = str(data["r"])
        respond_by = parse_date(str(data["d"]))
        queue = HelpQueue.objects.filter(pk=data["q"]).first()
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return redirect("channel:help")
    return render(
        request,
        "channel/help_thanks.html",
        {
            "reference": f"{reference[:3]}-{reference[3:]}",
            "respond_by": respond_by,
            "queue": queue,
        },
    )


# The workers' queue -----------------------------------------------------------------------


def _require_requests(user):
    if not can_see_requests(user):
        raise PermissionDenied


STATUS_TABS = [
    ("waiting", ContactRequest.Status.WAITING.label),
    ("taken", ContactRequest.Status.TAKEN.label),
    ("done", ContactRequest.Status.DONE.label),
]


@never_cache
@login_required
def request_queue(request):
    _require_requests(request.user)
    status = request.GET.get("status", "waiting")
    if status not in dict(STATUS_TABS):
        status = "waiting"
    rows = actions.queue_rows(Actor.from_request(request), request.user, status=status)
    return render(
        request,
        "channel/requests.html",
        {
            "rows": rows,
            "status": status,
            "tabs": STATUS_TABS,
            "topic_labels": dict(
                [(s.key, s.label) for s in phrases.SITUATIONS] + [phrases.OTHER_TOPIC]
            ),
            "can_take": bool(request_org_ids(request.user, write=True)),
        },
    )


@never_cache
@login_required
def request_detail(request, code):
    contact = actions.open_contact_request(Actor.from_request(request), request.user, code)
    return render(
        request,
        "channel/request_detail.html",
        {
            "contact": contact,
            "topic_labels": dict(
                [(s.key, s.label) for s in phrases.SITUATIONS] + [phrases.OTHER_TOPIC]
            ),
            "time_labels": dict(phrases.CONTACT_TIMES),
            "can_write": contact.organisation_id in request_org_ids(request.user, write=True),
        },
    )


@require_POST
@login_required
def request_take(request, code):
    contact = get_request_for_user(request.user, code, write=True)
    actions.take_contact_request(Actor.from_request(request), contact, by=request.user)
    messages.success(request, _("You took the request. Contact the person as they asked."))
    return redirect("channel:request", code=contact.code)


@require_POST
@login_required
def request_done(request, code):
    contact = get_request_for_user(request.user, code, write=True)
    actions.complete_contact_request(Actor.from_request(request), contact, by=request.user)
    messages.success(request, _("The request was marked done."))
    return redirect("channel:requests")
