"""Gates for the staff side of the channel. No view or API reads a chat or a request for help
any other way.

- A chat service is answered by members whose role has client access in its organisation and
  who belong to its team (or unit, or anyone in the organisation when neither is set). `read`
  sees the console; `write` takes, answers, transfers, ends and blocks. Everyone else gets 404.
- Only the worker a chat is assigned to writes in it (403 for a colleague who can see it).
- Requests for help are documents of the organisation that received them: visible with client
  access `read`/`write` there, taken with `write`.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from kohtaamo.accounts.models import User
from kohtaamo.channel.models import ChatService, ChatSession, ContactRequest


def _levels(write: bool) -> tuple[str, ...]:
    return ("write",) if write else ("read", "write")


def _service_q(user, *, write: bool, prefix: str = "") -> Q:
    q = Q(pk__in=[])
    if not user.is_authenticated:
        return q
    for m in user.active_memberships():
        if m.role.client_access not in _levels(write):
            continue
        scope = Q(**{f"{prefix}unit__isnull": True, f"{prefix}team__isnull": True})
        if m.team_id:
            scope |= Q(**{f"{prefix}team_id": m.team_id})
        if m.unit_id:
            scope |= Q(**{f"{prefix}unit_id": m.unit_id, f"{prefix}team__isnull": True})
            if not m.team_id:  # a unit-level member answers for every team of the unit
                scope |= Q(**{f"{prefix}unit_id": m.unit_id})
        q |= Q(**{f"{prefix}organisation_id": m.organisation_id}) & scope
    return q


def chat_services_for(user, *, write: bool = False):
    return ChatService.objects.filter(_service_q(user, write=write), active=True)


def can_use_console(user) -> bool:
    """Cached on the user for the request (the navigation and "my day" both ask)."""
    if not user.is_authenticated:
        return False
    if not hasattr(user, "_kohtaamo_console"):
        user._kohtaamo_console = chat_services_for(user).exists()
    return user._kohtaamo_console


def chats_visible_to(user, *, write: bool = False):
    return ChatSession.objects.filter(_service_q(user, write=write, prefix="service__"))


def get_chat_for_worker(user, code, *, write: bool = False, own: bool = False) -> ChatSession:
    """`write`: the user may act in the chat's service; `own`: and the chat is theirs. A chat
    the user sees but may not act in is 403; one they do not see, 404."""
    if write or own:  # the usual case in one query: the rights asked for
        mine = chats_visible_to(user, write=True).filter(code=code)
        if own:
            mine = mine.filter(assigned_worker_id=user.pk)
        session = mine.select_related("service").first()
        if session is not None:
            return session
    session = chats_visible_to(user).filter(code=code).select_related("service").first()
    if session is None:
        raise Http404
    if write or own:
        raise PermissionDenied
    return session


def get_kept_chat_for_user(user, code) -> ChatSession:
    """A chat moved to a client record is read like the person's other documents: by those
    who see the person in the client registry."""
    from kohtaamo.people.access import people_visible_to

    session = (
        ChatSession.objects.filter(
            code=code, keep_transcript=True, person__in=people_visible_to(user)
        )
        .select_related("service", "person")
        .first()
    )
    if session is None:
        raise Http404
    return session


def colleagues_for(service: ChatService, *, exclude=None):
    """Workers who may answer the service (for a transfer)."""
    if service.team_id:  # the same rule as `_service_q`, read from the other side
        scope = Q(memberships__team_id=service.team_id) | Q(
            memberships__unit_id=service.team.unit_id, memberships__team__isnull=True
        )
    elif service.unit_id:
        scope = Q(memberships__unit_id=service.unit_id)
    else:
        scope = Q()
    users = User.objects.filter(
        scope,
        is_active=True,
        memberships__is_active=True,
        memberships__organisation_id=service.organisation_id,
        memberships__role__client_access="write",
    ).distinct()
    if exclude is not None:
        users = users.exclude(pk=exclude.pk)
    return users.order_by("last_name", "first_name")


def request_org_ids(user, *, write: bool = False) -> set[int]:
    if not user.is_authenticated:
        return set()
    return user.organisation_ids(client_access=_levels(write))


def requests_visible_to(user, *, write: bool = False):
    return ContactRequest.objects.filter(organisation_id__in=request_org_ids(user, write=write))


def can_see_requests(user) -> bool:
    return bool(request_org_ids(user))


def get_request_for_user(user, code, *, write: bool = False) -> ContactRequest:
    request = requests_visible_to(user).filter(code=code).select_related("queue", "person").first()
    if request is None:
        raise Http404
    if write and request.organisation_id not in request_org_ids(user, write=True):
        raise PermissionDenied
    return request
