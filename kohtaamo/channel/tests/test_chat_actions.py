import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from kohtaamo.audit.actions import Actor
from kohtaamo.audit.models import ChangeEntry
from kohtaamo.channel import ratelimit
from kohtaamo.channel.actions import chat as actions
from kohtaamo.channel.identity import DevelopmentProvider
from kohtaamo.channel.models import ChatMessage, ChatSession, ThrottleEvent
from kohtaamo.encounters.models import Encounter

pytestmark = pytest.mark.django_db


def test_start_chat_stores_only_a_hash_of_the_key(chat_service):
    started = actions.start_chat(chat_service, source="s1", language="en")

    session = ChatSession.objects.get()
    assert session.status == "waiting"
    assert started.key not in session.client_key_hash
    assert actions.find_session(started.key) == session
    assert actions.find_session("x" * 500) is None


def test_start_chat_refused_when_closed(chat_service):
    chat_service.hours.all().delete()

    with pytest.raises(actions.ServiceClosed):
        actions.start_chat(chat_service, source="s1")

    assert not ChatSession.objects.exists()


def test_start_chat_throttles_one_source_without_blocking_others(chat_service):
    for _ in range(ratelimit.CHAT_START.count):
        actions.start_chat(chat_service, source="flood")

    with pytest.raises(actions.Throttled):
        actions.start_chat(chat_service, source="flood")
    actions.start_chat(chat_service, source="someone-else")

    assert ChatSession.objects.count() == ratelimit.CHAT_START.count + 1


def test_start_chat_throttle_ends_after_its_window(chat_service):
    for _ in range(ratelimit.CHAT_START.count):
        actions.start_chat(chat_service, source="flood")

    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=11)):
        actions.start_chat(chat_service, source="flood")

    assert ChatSession.objects.count() == ratelimit.CHAT_START.count + 1


def test_start_chat_refused_when_queue_is_full(chat_service, start):
    chat_service.max_waiting = 2
    chat_service.save()
    start()
    start()

    with pytest.raises(actions.QueueFull):
        actions.start_chat(chat_service, source="third")


def test_queue_position_counts_those_waiting_before(start, alice):
    first, _ = start()
    second, _ = start()
    third, _ = start()

    actions.take_chat(first, by=alice)
    second.refresh_from_db()
    third.refresh_from_db()

    assert actions.queue_position(first) is None
    assert actions.queue_position(second) == 1
    assert actions.queue_position(third) == 2


def test_messages_get_consecutive_sequence_numbers(active_chat, alice):
    session, _ = active_chat

    actions.send_client_message(session, body="Hei", client_msg_id="a")
    actions.send_worker_message(session, by=alice, body="Hei, miten voin auttaa?")
    actions.send_client_message(session, body="Vuokra on rästissä", client_msg_id="b")

    seqs = list(session.messages.values_list("seq", "sender"))
    assert seqs == [(1, "system"), (2, "client"), (3, "worker"), (4, "client")]
    session.refresh_from_db()
    assert session.last_seq == 4
    assert [m.seq for m in actions.updates(session, 2).messages] == [3, 4]


def test_resent_message_is_stored_once(active_chat):
    session, _ = active_chat

    first = actions.send_client_message(session, body="Hei", client_msg_id="same-id")
    again = actions.send_client_message(session, body="Hei", client_msg_id="same-id")

    assert not first.duplicate and again.duplicate
    assert again.message.pk == first.message.pk
    assert session.messages.filter(sender="client").count() == 1


def test_message_text_is_cleaned_and_capped(active_chat):
    session, _ = active_chat

    sent = actions.send_client_message(session, body="  hei\x00\x07 täällä \n")

    assert sent.message.body == "hei täällä"
    with pytest.raises(ValueError):
        actions.send_client_message(session, body="   ")
    with pytest.raises(ValueError):
        actions.send_client_message(session, body="x" * (actions.MAX_MESSAGE + 1))


def test_message_flood_in_one_chat_is_throttled(active_chat):
    session, _ = active_chat
    count, _window = ratelimit.CHAT_MESSAGES
    for i in range(count):
        actions.send_client_message(session, body=f"viesti {i}")

    with pytest.raises(actions.Throttled):
        actions.send_client_message(session, body="liikaa")

    assert session.messages.filter(sender="client").count() == count


def test_only_the_assigned_worker_writes(active_chat, official):
    session, _ = active_chat

    with pytest.raises(PermissionDenied):
        actions.send_worker_message(session, by=official, body="Hei")


def test_take_chat_twice_is_refused(start, alice, official):
    session, _ = start()
    actions.take_chat(session, by=alice)

    with pytest.raises(actions.ChatClosed):
        actions.take_chat(ChatSession.objects.get(pk=session.pk), by=official)

    session.refresh_from_db()
    assert session.assigned_worker == alice


def test_take_next_chat_takes_the_longest_waiting(chat_service, start, alice):
    first, _ = start()
    start()

    taken = actions.take_next_chat([chat_service], by=alice)

    assert taken.pk == first.pk and taken.status == "active"
    assert ChatMessage.objects.filter(session=first, body="joined").exists()


def test_take_next_chat_returns_none_when_nobody_waits(chat_service, alice):
    assert actions.take_next_chat([chat_service], by=alice) is None


def test_transfer_to_a_colleague(active_chat, alice, official, charlie):
    session, _ = active_chat

    actions.transfer_chat(session, by=alice, to=official)

    session.refresh_from_db()
    assert session.assigned_worker == official
    assert session.messages.filter(body="transferred").exists()
    with pytest.raises(PermissionDenied):
        actions.transfer_chat(session, by=official, to=charlie)  # not a colleague here


def test_end_chat_records_a_chat_encounter(active_chat, alice):
    session, _ = active_chat
    actions.set_chat_details(session, by=alice, themes=["debt", "housing"], result="guided_onward")

    actions.end_chat(
        session, ended_by=ChatSession.EndedBy.WORKER, by=alice, actor=Actor.for_user(alice)
    )

    session.refresh_from_db()
    encounter = Encounter.objects.get()
    assert session.status == "ended" and session.encounter == encounter
    assert encounter.channel == "chat"
    assert encounter.identity_level == "anonymous"
    assert encounter.result == "guided_onward"
    assert sorted(t.key for t in encounter.themes.all()) == ["debt", "housing"]
    assert encounter.created_by == alice
    assert ChangeEntry.objects.filter(object_type="encounters.encounter").exists()


def test_end_chat_is_idempotent(active_chat, alice):
    session, _ = active_chat
    actor = Actor.for_user(alice)

    actions.end_chat(session, ended_by="client", actor=actor)
    actions.end_chat(session, ended_by="client", actor=actor)

    assert Encounter.objects.count() == 1
    assert session.messages.filter(body="ended_client").count() == 1


def test_unanswered_chat_makes_no_encounter(start):
    session, _ = start()

    actions.end_chat(session, ended_by="client", actor=Actor.system())

    assert not Encounter.objects.exists()


def test_worker_cannot_end_someone_elses_chat(active_chat, official):
    session, _ = active_chat

    with pytest.raises(PermissionDenied):
        actions.end_chat(session, ended_by="worker", by=official, actor=Actor.for_user(official))


def test_block_chat_refuses_the_source_for_a_day(chat_service, active_chat, alice):
    session, _ = active_chat

    actions.block_chat(session, by=alice, reason="threats", actor=Actor.for_user(alice))

    session.refresh_from_db()
    assert session.status == "blocked" and session.blocked_reason == "threats"
    assert ThrottleEvent.objects.filter(kind="chat-blocked", key_hash=session.source_hash).exists()
    with pytest.raises(actions.Throttled):
        actions.start_chat(chat_service, source=session.source_hash)
    with pytest.raises(actions.ChatClosed):
        actions.send_client_message(session, body="hei")


def test_request_contact_with_identity_and_notification(active_chat, alice, county):
    from kohtaamo.casework.models import ContactNotification
    from kohtaamo.people.models import Person

    session, _ = active_chat
    identity = DevelopmentProvider.personas()[0]

    actions.request_contact(session, identity=identity)
    notification = actions.make_contact_notification(
        session,
        by=alice,
        reason="Toivoo yhteydenottoa velka-asioissa.",
        actor=Actor.for_user(alice),
    )

    session.refresh_from_db()
    person = Person.objects.get(hetu_hash=identity.hetu_hash)
    assert person.organisation == county and person.last_name == identity.surname
    assert notification.person == person and notification.sender_role == "client"
    assert notification.consent == ContactNotification.Consent.OWN_REQUEST
    assert notification.team == session.service.team
    assert session.person == person and session.keep_transcript
    assert session.identity_encrypted == ""  # the registry holds it now
    assert ChangeEntry.objects.filter(person_code=person.code, object_type="channel.chat").exists()


def test_notification_needs_the_persons_request(active_chat, alice):
    session, _ = active_chat

    with pytest.raises(actions.ChatError):
        actions.make_contact_notification(
            session, by=alice, reason="x", actor=Actor.for_user(alice)
        )


def test_purge_deletes_old_transcripts_but_keeps_consented(active_chat, start, alice, settings):
    settings.CHAT_RETENTION_DAYS = 30
    old, _ = active_chat
    kept, _ = start()
    actions.take_chat(kept, by=alice)
    for s in (old, kept):
        actions.send_client_message(s, body="hei")
        actions.end_chat(s, ended_by="client", actor=Actor.system())
    ChatSession.objects.filter(pk=kept.pk).update(keep_transcript=True)
    recent, _ = start()
    actions.end_chat(recent, ended_by="client", actor=Actor.system())

    with time_machine.travel(timezone.now() + datetime.timedelta(days=31)):
        purged = actions.purge_transcripts()
        actions.end_chat(start()[0], ended_by="client", actor=Actor.system())

    assert purged == 2  # old and recent (both ended more than 30 days before)
    assert not ChatMessage.objects.filter(session=old).exists()
    assert ChatMessage.objects.filter(session=kept).exists()
    old.refresh_from_db()
    assert old.transcript_deleted_at is not None and old.source_hash == ""


def test_purge_keeps_transcripts_younger_than_the_policy(active_chat, settings):
    settings.CHAT_RETENTION_DAYS = 30
    session, _ = active_chat
    actions.end_chat(session, ended_by="client", actor=Actor.system())

    with time_machine.travel(timezone.now() + datetime.timedelta(days=29)):
        assert actions.purge_transcripts() == 0

    assert session.messages.exists()


def test_abandoned_chats_are_ended(start):
    session, _ = start()

    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=31)):
        assert actions.end_abandoned() == 1

    session.refresh_from_db()
    assert session.status == "ended" and session.ended_by == "system"


def test_worker_updates_cover_all_my_open_chats(active_chat, start, alice):
    first, _ = active_chat
    second, _ = start()
    actions.take_chat(second, by=alice)
    actions.send_client_message(first, body="yksi")
    actions.send_client_message(second, body="kaksi")

    rows = actions.worker_updates(alice, after_id=0)
    last = rows[-1].pk

    assert [m.body for m in rows if m.sender == "client"] == ["yksi", "kaksi"]
    assert actions.worker_updates(alice, after_id=last) == []
