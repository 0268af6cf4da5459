"""What the channel adds to shared pages: navigation, "my day" and the person page.
Registered from ChannelConfig.ready()."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kohtaamo.audit.actions import Actor, log_access_many
from kohtaamo.audit.models import AccessLogEntry
from kohtaamo.channel.access import can_see_requests, can_use_console, chats_visible_to
from kohtaamo.channel.actions import requests as request_actions
from kohtaamo.channel.models import ChatSession, ContactRequest
from kohtaamo.core.myday import register
from kohtaamo.core.registry import nav_item, person_section

nav_item(
    "chat-console",
    label=_("Chat"),
    url_name="channel:console",
    order=50,
    visible=lambda user: can_use_console(user),
)
nav_item(
    "help-requests",
    label=_("Requests for help"),
    url_name="channel:requests",
    order=55,
    visible=lambda user: can_see_requests(user),
)


@register("channel-requests", order=25, template="channel/myday_requests.html")
def requests_waiting(request):
    """Requests for help waiting in my organisation's queues, soonest deadline first."""
    if not can_see_requests(request.user):
        return None
    rows = request_actions.queue_rows(Actor.from_request(request), request.user, limit=5)
    chats = (
        chats_visible_to(request.user).filter(status=ChatSession.Status.WAITING).count()
        if can_use_console(request.user)
        else None
    )
    return {"rows": rows, "chats_waiting": chats}


@person_section("channel-kept", order=60, template="channel/person_kept.html")
def kept_chats(request, person):
    """Chats and requests for help kept in the person's record; their listing is logged."""
    chats = list(
        ChatSession.objects.filter(person=person, keep_transcript=True).order_by("-created_at")[:20]
    )
    requests = list(ContactRequest.objects.filter(person=person).order_by("-received_at")[:20])
    if not chats and not requests:
        return None
    log_access_many(
        Actor.from_request(request),
        [(person.code, "channel.chat", c.pk) for c in chats]
        + [(person.code, "channel.contact_request", r.pk) for r in requests],
        action=AccessLogEntry.Action.VIEW,
        purpose=AccessLogEntry.Purpose.CLIENT_WORK,
    )
    return {"chats": chats, "contact_requests": requests}
