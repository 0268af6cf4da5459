"""The workers' chat console (login required): the queue, several chats side by side, ready
phrases, transfer to a colleague, ending, blocking, statistics details and turning a chat into a
contact notification. Live parts ask for HTML fragments after a cursor, and the server answers
when there is news (long-polling, notify.py)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Max, Prefetch
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from kohtaamo.audit.actions import Actor, log_access_many
from kohtaamo.audit.models import AccessLogEntry
from kohtaamo.channel import notify
from kohtaamo.channel.access import (
    chat_services_for,
    chats_visible_to,
    colleagues_for,
    get_chat_for_worker,
    get_kept_chat_for_user,
)
from kohtaamo.channel.actions import chat as actions
from kohtaamo.channel.forms import (
    BlockForm,
    ChatDetailsForm,
    ConsoleMessageForm,
    NotificationForm,
    TransferForm,
)
from kohtaamo.channel.models import ChatMessage, ChatSession
from kohtaamo.core.htmx import is_htmx

POLL_MS = 500  # for old pages still polling on a timer; pages now wait for news (notify.py)
# The queue is sent again no more often than this: every arrival changes it.
QUEUE_POLL_SECONDS = 3


def _wait(request) -> int:
    return min(_cursor(request.GET.get("wait")), notify.MAX_WAIT_S)


def _require_console(user):
    if not chat_services_for(user).exists():
        raise PermissionDenied


def _terms():
    from kohtaamo.encounters.taxonomy import terms

    found = terms()
    return found.get("themes", []), found.get("results", [])


def _panel(
    session: ChatSession,
    user,
    *,
    themes,
    results,
    colleagues_cache: dict,
    own_poller=False,
    **forms,
):
    if session.service_id not in colleagues_cache:
        colleagues_cache[session.service_id] = list(colleagues_for(session.service, exclude=user))
    colleagues = colleagues_cache[session.service_id]
    return {
        "session": session,
        "chat_messages": list(session.messages.all()),
        "identity": actions.chat_identity(session),
        "form": forms.get("form")
        or ConsoleMessageForm(phrases_list=session.service.phrases(session.language)),
        "details_form": ChatDetailsForm(
            initial={"themes": session.themes, "result": session.result},
            themes=themes,
            results=results,
        ),
        "transfer_form": TransferForm(colleagues=colleagues),
        "block_form": BlockForm(),
        "notification_form": forms.get("notification_form") or NotificationForm(),
        "mine": session.assigned_worker_id == user.pk,
        "poll_ms": POLL_MS,
        "wait": notify.MAX_WAIT_S,
        "own_poller": own_poller,
    }


def _with_messages(qs):
    return qs.select_related("service", "person", "assigned_worker").prefetch_related(
        Prefetch("messages", queryset=ChatMessage.objects.order_by("seq"))
    )


def _log_panels(request, sessions) -> None:
    log_access_many(
        Actor.from_request(request),
        [(s.person.code, actions.OBJECT, s.pk) for s in sessions if s.person_id],
        action=AccessLogEntry.Action.VIEW,
        purpose=AccessLogEntry.Purpose.CLIENT_WORK,
    )


def _queue_version(waiting, mine_count: int) -> str:
    import hashlib

    text = ",".join(str(s.code) for s in waiting) + f"|{mine_count}"
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def _waiting(user):
    return list(
        chats_visible_to(user)
        .filter(status=ChatSession.Status.WAITING)
        .select_related("service")
        .order_by("created_at")[:50]
    )


@never_cache
@login_required
def console(request):
    user = request.user
    _require_console(user)
    latest = ChatMessage.objects.aggregate(latest=Max("id"))["latest"] or 0
    mine = list(
        _with_messages(
            chats_visible_to(user).filter(assigned_worker=user, status=ChatSession.Status.ACTIVE)
        ).order_by("started_at")
    )
    _log_panels(request, mine)
    themes, results = _terms()
    cache: dict = {}
    waiting = _waiting(user)
    return render(
        request,
        "channel/console.html",
        {
            "waiting": waiting,
            "version": _queue_version(waiting, len(mine)),
            "panels": [
                _panel(s, user, themes=themes, results=results, colleagues_cache=cache)
                for s in mine
            ],
            "can_write": chat_services_for(user, write=True).exists(),
            "shown": len(mine),
            "queue_poll_seconds": QUEUE_POLL_SECONDS,
            "after": max([m.pk for s in mine for m in s.messages.all()] + [latest]),
            "poll_ms": POLL_MS,
            "wait": notify.MAX_WAIT_S,
        },
    )


@never_cache
@login_required
@require_GET
def console_updates(request):
    """New messages for every chat on the console, as out-of-band appends to each chat's log
    (one request for all the chats; 204 when nothing is new). With `wait`, the answer waits
    for a message in one of the worker's chats when there is none yet."""
    _require_console(request.user)
    after = _cursor(request.GET.get("after"))
    wait = _wait(request)
    if wait:
        rows = actions.wait_for_worker_updates(request.user, after_id=after, seconds=wait)
    else:
        rows = actions.worker_updates(request.user, after_id=after)
    if not rows:
        return HttpResponse(status=204)
    ended = {}
    for m in rows:
        if m.sender == ChatMessage.Sender.SYSTEM and m.body.startswith(("ended_", "blocked")):
            ended[m.session_id] = m.session
    return render(
        request,
        "channel/console.html#updates",
        {
            "rows": rows,
            "ended": [{"session": s} for s in ended.values()],
            "after": rows[-1].pk,
            "poll_ms": POLL_MS,
            "wait": notify.MAX_WAIT_S,
        },
    )


@never_cache
@login_required
@require_GET
def console_queue(request):
    """The waiting list; it also says when a chat was transferred to you. With `wait` and the
    version the page has (`v`), the answer waits until the list changes (the page asks again
    QUEUE_POLL_SECONDS after each answer, so a busy queue is not sent on every arrival)."""
    user = request.user
    _require_console(user)
    mine = chats_visible_to(user).filter(assigned_worker=user, status=ChatSession.Status.ACTIVE)
    shown = _cursor(request.GET.get("shown"))
    seen = request.GET.get("v")
    found: dict = {}

    def changed():
        found["waiting"] = _waiting(user)
        found["mine"] = mine.count()
        found["version"] = _queue_version(found["waiting"], found["mine"])
        return found["version"] != seen

    wait = _wait(request) if seen else 0
    service_ids = list(chat_services_for(user).values_list("pk", flat=True)) if wait else []
    notify.wait_for(
        changed,
        keys=[notify.worker_key(user.pk), *(notify.service_key(pk) for pk in service_ids)],
        seconds=wait,
    )
    waiting, mine_count, version = found["waiting"], found["mine"], found["version"]
    if seen == version:
        return HttpResponse(status=204)  # nothing changed: keep the worker's focus where it is
    return render(
        request,
        "channel/console.html#queue",
        {
            "waiting": waiting,
            "version": version,
            "can_write": chat_services_for(user, write=True).exists(),
            "new_for_me": mine_count > shown,
            "shown": shown,
            "queue_poll_seconds": QUEUE_POLL_SECONDS,
            "wait": notify.MAX_WAIT_S,
        },
    )


@never_cache
@login_required
def console_chat(request, code):
    """One chat on its own page (a phone, or an ended chat's transcript)."""
    session = get_chat_for_worker(request.user, code)
    session = _with_messages(ChatSession.objects.filter(pk=session.pk)).get()
    _log_panels(request, [session])
    themes, results = _terms()
    return render(
        request,
        "channel/console_chat.html",
        {
            "panel": _panel(
                session, request.user, themes=themes, results=results, colleagues_cache={}
            )
        },
    )


def _cursor(value) -> int:
    try:
        return max(0, min(int(value), 10**9))
    except (TypeError, ValueError):
        return 0


@never_cache
@login_required
@require_GET
def console_poll(request, code):
    session = get_chat_for_worker(request.user, code)
    after = _cursor(request.GET.get("after"))
    seen_status = request.GET.get("status", "")
    wait = _wait(request)
    if wait and seen_status == session.status and session.is_open:
        update = actions.wait_for_updates(session, after, seconds=wait)
    else:
        update = actions.updates(session, after)
    if not update.messages and seen_status == session.status:
        return HttpResponse(status=204)
    return render(
        request,
        "channel/includes/panel.html#poll",
        {
            "panel": {
                "session": session,
                "mine": session.assigned_worker_id == request.user.pk,
                "poll_ms": POLL_MS,
                "wait": notify.MAX_WAIT_S,
                "own_poller": True,
            },
            "new_messages": update.messages,
            "status_changed": seen_status != session.status,
        },
    )


def _back(session: ChatSession):
    return redirect(reverse("channel:console") + f"#chat-{session.code}")


@require_POST
@login_required
def console_take(request, code):
    session = get_chat_for_worker(request.user, code, write=True)
    try:
        actions.take_chat(session, by=request.user)
    except actions.ChatClosed:
        messages.info(request, _("Someone else already took this chat, or it has ended."))
        return redirect("channel:console")
    return _back(session)


@require_POST
@login_required
def console_take_next(request):
    services = chat_services_for(request.user, write=True)
    if not services.exists():
        raise PermissionDenied
    session = actions.take_next_chat(services, by=request.user)
    if session is None:
        messages.info(request, _("Nobody is waiting."))
        return redirect("channel:console")
    return _back(session)


@require_POST
@login_required
def console_send(request, code):
    session = get_chat_for_worker(request.user, code, own=True)
    form = ConsoleMessageForm(request.POST, phrases_list=session.service.phrases(session.language))
    error = ""
    if form.is_valid():
        try:
            actions.send_worker_message(
                session,
                by=request.user,
                body=form.cleaned_data["text"],
                client_msg_id=form.cleaned_data["client_msg_id"],
            )
        except actions.ChatClosed:
            error = _("The chat has ended.")
        except ValueError:
            error = _("Write a message or choose a ready phrase.")
        else:
            if is_htmx(request):
                response = render(
                    request,
                    "channel/includes/panel.html#send-form",
                    {
                        "panel": {
                            "session": session,
                            "form": ConsoleMessageForm(
                                phrases_list=session.service.phrases(session.language)
                            ),
                        }
                    },
                )
                response["HX-Trigger"] = f"console-poll, poll-{session.code}"
                return response
            return _back(session)
    if error:
        form.add_error(None, error)
    if is_htmx(request):
        return render(
            request,
            "channel/includes/panel.html#send-form",
            {"panel": {"session": session, "form": form}},
        )
    messages.error(request, error or _("The message was not sent. Check the text."))
    return _back(session)


@require_POST
@login_required
def console_transfer(request, code):
    session = get_chat_for_worker(request.user, code, own=True)
    form = TransferForm(
        request.POST, colleagues=colleagues_for(session.service, exclude=request.user)
    )
    if form.is_valid():
        actions.transfer_chat(session, by=request.user, to=form.cleaned_data["to"])
        messages.success(request, _("The chat was transferred."))
        return redirect("channel:console")
    messages.error(request, _("Choose a colleague."))
    return _back(session)


@require_POST
@login_required
def console_end(request, code):
    session = get_chat_for_worker(request.user, code, own=True)
    actions.end_chat(
        session,
        ended_by=ChatSession.EndedBy.WORKER,
        by=request.user,
        actor=Actor.from_request(request),
    )
    messages.success(request, _("The chat ended. It was recorded as a chat contact."))
    return redirect("channel:console")


@require_POST
@login_required
def console_block(request, code):
    session = get_chat_for_worker(request.user, code, write=True)
    form = BlockForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write a reason for blocking."))
        return _back(session)
    try:
        actions.block_chat(
            session,
            by=request.user,
            reason=form.cleaned_data["reason"],
            actor=Actor.from_request(request),
        )
    except actions.ChatClosed:
        messages.info(request, _("The chat has already ended."))
    else:
        messages.success(request, _("The chat was blocked."))
    return redirect("channel:console")


@require_POST
@login_required
def console_details(request, code):
    session = get_chat_for_worker(request.user, code, own=True)
    themes, results = _terms()
    form = ChatDetailsForm(request.POST, themes=themes, results=results)
    if form.is_valid():
        actions.set_chat_details(
            session,
            by=request.user,
            themes=form.cleaned_data["themes"],
            result=form.cleaned_data["result"],
        )
        messages.success(request, _("The details were saved."))
    else:
        messages.error(request, _("Check the details."))
    return _back(session)


@require_POST
@login_required
def console_notify(request, code):
    session = get_chat_for_worker(request.user, code, own=True)
    form = NotificationForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write the reason for the contact."))
        return _back(session)
    try:
        actions.make_contact_notification(
            session,
            by=request.user,
            reason=form.cleaned_data["reason"],
            actor=Actor.from_request(request),
        )
    except actions.ChatError:
        messages.error(request, _("The person has not asked for a contact."))
        return _back(session)
    messages.success(request, _("The contact notification is in the queue."))
    return _back(session)


@never_cache
@login_required
def transcript(request, code):
    """A chat kept in a client record, read through the person's registry access."""
    session = get_kept_chat_for_user(request.user, code)
    actions.log_chat_read(Actor.from_request(request), session)
    return render(
        request,
        "channel/transcript.html",
        {"session": session, "chat_messages": list(session.messages.order_by("seq"))},
    )
