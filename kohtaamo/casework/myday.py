"""'My day' sections: § 36 deadlines for my clients and teams, and notifications waiting."""

from __future__ import annotations

from kohtaamo.audit.actions import Actor
from kohtaamo.casework import actions
from kohtaamo.core.myday import register


def _has_client_access(user) -> bool:
    return bool(user.organisation_ids())


@register("casework-deadlines", order=20, template="casework/myday_deadlines.html")
def deadlines(request):
    if not _has_client_access(request.user):
        return None
    return {"matters": actions.deadlines_for(Actor.from_request(request), request.user)}


@register("casework-queue", order=30, template="casework/myday_queue.html")
def queue(request):
    if not _has_client_access(request.user):
        return None
    return {
        "notifications": actions.queue_for(Actor.from_request(request), request.user),
        "can_take": bool(request.user.organisation_ids(client_access=("write",))),
    }
