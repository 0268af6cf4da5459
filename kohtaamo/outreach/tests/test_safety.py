"""Safety: overdue check-ins raise an alert, which goes to the on-call person again and again until
someone acknowledges it; "need help now" goes at once; the shift ends when everyone is safe."""

import datetime
from unittest import mock

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from kohtaamo.outreach import actions, notify
from kohtaamo.outreach.models import SafetyAlert, SentNotification, ShiftEvent
from kohtaamo.outreach.tasks import check_safety, drop_old_locations


def later(minutes):
    return time_machine.travel(timezone.now() + datetime.timedelta(minutes=minutes), tick=False)


def test_a_check_in_overdue_by_the_margin_raises_one_alert(
    active_shift, alice, anna, django_capture_on_commit_callbacks
):
    actions.check_in(active_shift, by=alice, next_minutes=30)
    actions.check_in(active_shift, by=anna, next_minutes=120)

    with later(39):
        before = actions.raise_overdue_alerts()
    with later(41), django_capture_on_commit_callbacks(execute=True):
        raised = actions.raise_overdue_alerts()
        again = actions.raise_overdue_alerts()

    assert before == [] and again == []
    assert [(a.worker, a.kind) for a in raised] == [(alice, "overdue")]
    assert SafetyAlert.objects.count() == 1
    note = SentNotification.objects.get()
    assert note.recipient == active_shift.on_call and note.backend == "sink"
    assert ShiftEvent.objects.filter(kind="alert").count() == 1
    assert ShiftEvent.objects.filter(kind="notified").count() == 1


def test_the_message_carries_no_personal_data(
    active_shift, alice, anna, settings, django_capture_on_commit_callbacks
):
    settings.ALERT_NOTIFIER = "email"
    active_shift.on_call.email = "maria@example.fi"
    active_shift.on_call.save()
    actions.check_in(active_shift, by=alice, next_minutes=15)
    actions.check_in(active_shift, by=anna, next_minutes=120)

    with later(30), django_capture_on_commit_callbacks(execute=True):
        actions.raise_overdue_alerts()

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["maria@example.fi"]
    text = message.subject + message.body
    assert "/outreach/board/" in text
    for personal in (alice.username, alice.last_name, "Järvelän asema", "Iltakierros"):
        assert personal not in text


def test_a_worker_who_never_checked_in_is_due_at_the_start(
    active_shift, alice, anna, django_capture_on_commit_callbacks
):
    with later(11), django_capture_on_commit_callbacks(execute=True):
        raised = actions.raise_overdue_alerts()

    assert {a.worker for a in raised} == {alice, anna}


def test_no_i_am_safe_by_the_planned_end_raises_an_alert(active_shift, alice, anna):
    actions.confirm_safe(active_shift, by=anna)
    actions.check_in(active_shift, by=alice, next_minutes=12 * 60)

    with later(3.5 * 60 + 11):  # the shift began 30 minutes ago and lasts four hours
        raised = actions.raise_overdue_alerts()

    assert [(a.worker, a.due_at) for a in raised] == [(alice, active_shift.planned_end)]


def test_alerts_repeat_until_acknowledged(
    active_shift, alice, anna, manager, django_capture_on_commit_callbacks
):
    actions.check_in(active_shift, by=alice, next_minutes=15)
    actions.check_in(active_shift, by=anna, next_minutes=120)
    with later(26), django_capture_on_commit_callbacks(execute=True):
        [alert] = actions.raise_overdue_alerts()

    with later(28):
        too_soon = actions.notify_pending()
    with later(32):
        repeated = actions.notify_pending()
    actions.acknowledge_alert(alert, by=manager)
    with later(60):
        after_ack = actions.notify_pending()

    alert.refresh_from_db()
    assert (too_soon, repeated, after_ack) == (0, 1, 0)
    assert alert.escalations == 2 and alert.acknowledged_by == manager
    assert ShiftEvent.objects.filter(kind="acknowledged", alert=alert).count() == 1


def test_acknowledging_twice_keeps_the_first(active_shift, alice, anna, manager):
    alert = actions.ask_for_help(active_shift, by=alice)

    actions.acknowledge_alert(alert, by=manager)
    actions.acknowledge_alert(alert, by=anna)

    alert.refresh_from_db()
    assert alert.acknowledged_by == manager
    assert ShiftEvent.objects.filter(kind="acknowledged").count() == 1


def test_need_help_now_goes_at_once_and_a_second_press_resends(
    active_shift, alice, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = actions.ask_for_help(active_shift, by=alice)
    with django_capture_on_commit_callbacks(execute=True):
        second = actions.ask_for_help(active_shift, by=alice)

    assert first == second and first.kind == "help"
    assert SentNotification.objects.filter(alert=first).count() == 2
    assert ShiftEvent.objects.filter(kind="help").count() == 2


def test_the_help_button_view(as_user, alice, active_shift, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(alice).post(f"/outreach/shift/{active_shift.code}/help/")

    assert response.status_code == 302
    assert SafetyAlert.objects.get().kind == "help"
    assert SentNotification.objects.count() == 1


def test_the_periodic_job_raises_and_repeats(
    active_shift, alice, anna, django_capture_on_commit_callbacks
):
    from kohtaamo.core.schedule import jobs

    with later(11), django_capture_on_commit_callbacks(execute=True):
        result = check_safety.call()

    assert result["raised"] == 2
    job = next(j for j in jobs() if j.task == check_safety)
    assert job.every <= datetime.timedelta(seconds=30)


def test_a_failed_notification_is_logged_and_tried_again(
    active_shift, alice, settings, django_capture_on_commit_callbacks
):
    settings.ALERT_NOTIFIER = "email"  # the on-call person has no e-mail address
    with django_capture_on_commit_callbacks(execute=True):
        alert = actions.ask_for_help(active_shift, by=alice)

    with later(6):
        actions.notify_pending()

    assert ShiftEvent.objects.filter(kind="notify_failed", alert=alert).count() == 2
    assert SentNotification.objects.filter(ok=False).count() == 2


def test_the_sms_gateway_posts_json_with_the_token(active_shift, alice, settings):
    settings.SMS_GATEWAY_URL = "https://sms.example.fi/send"
    settings.SMS_GATEWAY_TOKEN = "secret-token"
    alert = SafetyAlert.objects.create(shift=active_shift, worker=alice, kind="help")
    response = mock.MagicMock(status=202)
    response.__enter__.return_value = response

    with mock.patch(
        "kohtaamo.outreach.notify.urllib.request.urlopen", return_value=response
    ) as urlopen:
        ok = notify.notifier("sms").send(notify.alert_message(alert))

    request = urlopen.call_args.args[0]
    assert ok and request.full_url == "https://sms.example.fi/send"
    assert request.headers["Authorization"] == "Bearer secret-token"
    assert b'"to": "040 000 0000"' in request.data and alice.username.encode() not in request.data


def test_the_sms_gateway_without_a_url_reports_failure(active_shift, alice):
    alert = SafetyAlert.objects.create(shift=active_shift, worker=alice, kind="help")

    assert notify.notifier("sms").send(notify.alert_message(alert)) is False
    assert SentNotification.objects.get().ok is False


def test_the_shift_ends_when_every_worker_is_safe(as_user, alice, anna, active_shift):
    first = as_user(alice).post(f"/outreach/shift/{active_shift.code}/safe/")
    active_shift.refresh_from_db()
    status_after_one = active_shift.status

    actions.confirm_safe(active_shift, by=anna)

    active_shift.refresh_from_db()
    assert first.status_code == 302 and status_after_one == "active"
    assert active_shift.status == "ended" and active_shift.ended_at is not None
    assert list(
        ShiftEvent.objects.filter(kind__in=["safe", "ended"]).values_list("kind", flat=True)
    ) == [
        "safe",
        "safe",
        "ended",
    ]


def test_a_safe_worker_raises_no_alerts(active_shift, alice, anna):
    actions.confirm_safe(active_shift, by=alice)

    with later(11):
        raised = actions.raise_overdue_alerts()

    assert [a.worker for a in raised] == [anna]


def test_locations_are_dropped_a_week_after_the_shift(active_shift, alice, anna):
    actions.check_in(
        active_shift, by=alice, next_minutes=30, location=(61.5, 23.7, 10), location_consent=True
    )
    actions.confirm_safe(active_shift, by=alice)
    actions.confirm_safe(active_shift, by=anna)

    with later(6 * 24 * 60):
        kept = drop_old_locations()
    with later(8 * 24 * 60):
        dropped = drop_old_locations()

    assert (kept, dropped) == (0, 1)
    assert active_shift.check_ins.get().latitude is None


@pytest.mark.parametrize("workers", [1, 0])
def test_a_shift_needs_two_workers(team_a, alice, manager, workers):
    with pytest.raises(actions.Refused):
        actions.plan_shift(
            None,
            by=alice,
            team=team_a,
            planned_start=timezone.now(),
            planned_end=timezone.now() + datetime.timedelta(hours=2),
            workers=[alice] * workers,
            on_call=manager,
        )
