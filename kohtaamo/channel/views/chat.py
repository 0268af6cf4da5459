"""The person's side of the anonymous chat. No login and no identity: the browser keeps a random
key in a cookie of its own (not in the URL, so it stays out of the history). Works without
JavaScript (form posts and a refresh link); with HTMX the page asks for the messages after its
cursor and the server answers when there is news (long-polling, notify.py)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from kohtaamo.audit.actions import Actor
from kohtaamo.channel import identity as client_identity
from kohtaamo.channel import notify, ratelimit
from kohtaamo.channel.actions import chat as actions
from kohtaamo.channel.actions import feedback as feedback_actions
from kohtaamo.channel.forms import ChatContactForm, ChatMessageForm, FeedbackForm
from kohtaamo.channel.models import ChatService, ChatSession, FeedbackResponse
from kohtaamo.core.htmx import is_htmx
from kohtaamo.core.i18n import current_language

COOKIE = "kohtaamo_chat"
COOKIE_PATH = "/palvelut/chat/"


def _client_actor(request) -> Actor:
    return Actor.external("chat client", source="", channel="chat")


def _current(request) -> ChatSession | None:
    session = actions.find_session(request.COOKIES.get(COOKIE, ""))
    if session is not None:
        actions.touch_client(session)
    return session


def _services():
    return ChatService.objects.filter(active=True).prefetch_related("hours").order_by("name_fi")


@require_GET
def chat_list(request):
    now = timezone.now()
    weekday = timezone.localtime(now).weekday()
    services = [
        {"service": s, "open": s.is_open_at(now), "today": s.hours_on(weekday)} for s in _services()
    ]
    return render(
        request,
        "channel/chat_list.html",
        {"services": services, "current": _current(request)},
    )


def _refused(request, message: str, *, status: int):
    return render(request, "channel/chat_refused.html", {"message": message}, status=status)


@require_POST
def chat_start(request, slug):
    service = get_object_or_404(
        ChatService.objects.prefetch_related("hours"), slug=slug, active=True
    )
    try:
        started = actions.start_chat(
            service, source=ratelimit.source_hash(request), language=current_language()
        )
    except actions.ServiceClosed:
        # Translators: selkokieli
        return _refused(
            request, _("The chat is closed now. Look at the opening hours."), status=409
        )
    except actions.QueueFull:
        return _refused(
            request, _("Many people are waiting now. Try again a little later."), status=503
        )
    except actions.Throttled:
        return _refused(
            request,
            _("You have started many chats in a short time. Wait a moment and try again."),
            status=429,
        )
    response = redirect("channel:chat")
    response.set_cookie(
        COOKIE,
        started.key,
        path=COOKIE_PATH,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response


def _context(session: ChatSession, **extra) -> dict:
    update = actions.updates(session, 0)
    answered = feedback_actions.is_answered(feedback_actions.chat_code_hash(session))
    return {
        "session": session,
        "chat_messages": update.messages,
        "position": update.position,
        "poll_ms": actions.poll_interval_ms(session),
        "wait": notify.MAX_WAIT_S,
        "form": extra.pop("form", None) or ChatMessageForm(),
        "contact_form": extra.pop("contact_form", None) or ChatContactForm(),
        "feedback_form": extra.pop("feedback_form", None) or FeedbackForm(),
        "feedback_done": answered,
        "identity": extra.pop("identity", None),
        **extra,
    }


@never_cache
@require_GET
def chat_page(request):
    session = _current(request)
    if session is None:
        return redirect("channel:chat-list")
    return render(
        request,
        "channel/chat.html",
        _context(session, identity=client_identity.current_identity(request)),
    )


def _int(value, default=0) -> int:
    try:
        return max(-1, min(int(value), 10**9))
    except (TypeError, ValueError):
        return default


def wait_seconds(request) -> int:
    """The `wait` parameter of a long-poll (notify.py), at most notify.MAX_WAIT_S."""
    return min(max(0, _int(request.GET.get("wait"))), notify.MAX_WAIT_S)


@never_cache
@require_GET
def chat_poll(request):
    """New messages after the cursor; 204 when nothing changed. With `wait` (seconds) the
    answer waits for news when there is none yet (long-polling, notify.py)."""
    session = _current(request)
    if session is None:
        return HttpResponse(status=410)
    after = max(0, _int(request.GET.get("after")))
    seen_status = request.GET.get("status", "")
    seen_position = _int(request.GET.get("pos"), -1)
    seen_interval = _int(request.GET.get("i"), 0)
    wait = wait_seconds(request)
    if wait and seen_status == session.status and session.is_open:
        update = actions.wait_for_updates(
            session, after, seconds=wait, position=seen_position if seen_position > 0 else None
        )
    else:
        update = actions.updates(session, after)
    if seen_status != session.status and not session.is_open:
        response = HttpResponse("")  # the chat ended: the page reloads to show the feedback
        response["HX-Refresh"] = "true"
        return response
    position = update.position if update.position is not None else -1
    interval = actions.poll_interval_ms(session)
    unchanged = seen_status == session.status and position == seen_position
    if not update.messages and unchanged and (wait or interval == seen_interval):
        return HttpResponse(status=204)
    return render(
        request,
        "channel/chat.html#poll",
        {
            "session": session,
            "chat_messages": update.messages,
            "position": update.position,
            "poll_ms": interval,
            "wait": notify.MAX_WAIT_S,
            "status_changed": not unchanged,
        },
    )


@require_POST
def chat_send(request):
    session = _current(request)
    if session is None:
        return redirect("channel:chat-list")
    form = ChatMessageForm(request.POST)
    status = 200
    if form.is_valid():
        try:
            actions.send_client_message(
                session,
                body=form.cleaned_data["body"],
                client_msg_id=form.cleaned_data["client_msg_id"],
            )
        except actions.Throttled:
            form.add_error(None, _("You are sending messages very fast. Wait a moment."))
            status = 429
        except actions.ChatClosed:
            form.add_error(None, _("The chat has ended. You cannot send more messages."))
            status = 409
        except ValueError:
            form.add_error("body", _("Write a message first."))
        else:
            if is_htmx(request):
                response = render(
                    request,
                    "channel/chat.html#send-form",
                    {"form": ChatMessageForm(), "session": session},
                )
                response["HX-Trigger"] = "chat-poll"
                return response
            return redirect(reverse("channel:chat") + "#chat-form")
    if is_htmx(request):
        return render(
            request,
            "channel/chat.html#send-form",
            {"form": form, "session": session},
            status=status,
        )
    return render(request, "channel/chat.html", _context(session, form=form), status=status)


@require_POST
def chat_end(request):
    session = _current(request)
    if session is None:
        return redirect("channel:chat-list")
    actions.end_chat(session, ended_by=ChatSession.EndedBy.CLIENT, actor=_client_actor(request))
    return redirect(reverse("channel:chat") + "#feedback")


@require_POST
def chat_contact(request):
    """The person asks to be contacted; with a strong identification it is linked to them."""
    session = _current(request)
    if session is None:
        return redirect("channel:chat-list")
    form = ChatContactForm(request.POST)
    identity = client_identity.current_identity(request)
    if not form.is_valid():
        return render(
            request,
            "channel/chat.html",
            _context(session, contact_form=form, identity=identity),
            status=200,
        )
    try:
        actions.request_contact(session, identity=identity)
    except actions.ChatClosed:
        return _refused(request, _("This chat is closed."), status=409)
    return redirect(reverse("channel:chat") + "#contact")


@require_POST
def chat_feedback(request):
    session = _current(request)
    if session is None:
        return redirect("channel:chat-list")
    form = FeedbackForm(request.POST)
    if session.is_open or session.status == ChatSession.Status.BLOCKED:
        return redirect("channel:chat")
    if not form.is_valid():
        return render(request, "channel/chat.html", _context(session, feedback_form=form))
    try:
        feedback_actions.submit_feedback(
            code_hash=feedback_actions.chat_code_hash(session),
            encounter=session.encounter,
            source=FeedbackResponse.Source.CHAT,
            heard=form.cleaned_data["heard"],
            helped=form.cleaned_data["helped"],
            again=form.cleaned_data["again"],
            comment=form.cleaned_data["comment"],
        )
    except feedback_actions.AlreadyAnswered:
        pass  # the page says thank you either way
    return redirect(reverse("channel:chat") + "#feedback")


@require_POST
def chat_leave(request):
    """Forget the chat in this browser (after it has ended)."""
    response = redirect("channel:chat-list")
    response.delete_cookie(COOKIE, path=COOKIE_PATH, samesite="Lax")
    return response
