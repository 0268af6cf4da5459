import datetime
import re

import pytest
import time_machine
from django.utils import timezone

from kohtaamo.audit.models import AccessLogEntry, ChangeEntry
from kohtaamo.people.models import Consent
from kohtaamo.referrals import actions
from kohtaamo.referrals.models import FollowUpTask, Referral
from kohtaamo.referrals.tests.conftest import send


def link_of(response) -> str:
    return re.search(r'data-testid="confirm-link">([^<]+)<', response.content.decode()).group(1)


def test_referring_with_consent_records_consent_events_history_and_disclosure(
    as_user, alice, service, person
):
    client = as_user(alice)

    response = client.post(
        "/referrals/new/",
        {
            "service": service.hsds_id,
            "person": person.code,
            "mode": "standard",
            "consent_given": "on",
            "consent_method": "oral",
            "shared_information": "Nimi ja puhelin",
        },
    )

    referral = Referral.objects.get()
    assert response.status_code == 302 and response["Location"] == referral.get_absolute_url()
    assert (
        referral.status == "sent" and referral.person == person and referral.due_at > timezone.now()
    )
    consent = Consent.objects.get(person=person)
    assert consent.scope == "sharing" and referral.consent == consent
    assert [e.to_status for e in referral.events.all()] == ["draft", "sent"]
    assert (
        ChangeEntry.objects.filter(
            object_type="referrals.referral", person_code=person.code
        ).count()
        == 2
    )
    assert ChangeEntry.objects.filter(
        object_type="people.consent", person_code=person.code
    ).exists()
    assert AccessLogEntry.objects.filter(
        person_code=person.code, action="disclose", purpose="referral"
    ).exists()
    detail = client.get(referral.get_absolute_url())
    assert "/referrals/confirm/" in link_of(detail)
    assert (
        "/referrals/confirm/" not in client.get(referral.get_absolute_url()).content.decode()
    )  # shown once


def test_without_consent_only_anonymous_guidance(as_user, alice, service, person):
    client = as_user(alice)

    refused = client.post(
        "/referrals/new/",
        {
            "service": service.hsds_id,
            "person": person.code,
            "mode": "standard",
            "consent_method": "oral",
            "shared_information": "typed text",
        },
    )
    anonymous = client.post(
        "/referrals/new/", {"service": service.hsds_id, "anonymous": "1", "mode": "standard"}
    )

    assert refused.status_code == 200
    assert "Without consent only anonymous guidance" in refused.content.decode()
    assert "typed text" in refused.content.decode()  # nothing typed is lost
    referral = Referral.objects.get()
    assert (
        anonymous.status_code == 302
        and referral.person is None
        and referral.shared_information == ""
    )
    assert not Consent.objects.exists()
    with pytest.raises(actions.ReferralError):
        send(alice, referral.organisation, service, person, consent_given=False)


def test_partner_confirms_arrival_through_the_link_without_an_account(
    as_user, alice, client, service, person
):
    worker = as_user(alice)
    worker.post(
        "/referrals/new/",
        {
            "service": service.hsds_id,
            "person": person.code,
            "mode": "standard",
            "consent_given": "on",
            "consent_method": "oral",
        },
    )
    referral = Referral.objects.get()
    link = link_of(worker.get(referral.get_absolute_url())).replace("http://testserver", "")
    worker.logout()

    shown = client.get(link)
    done = client.post(link, {"outcome": "arrived", "name": "Kalle Kumppani"})
    again = client.get(link)
    again_post = client.post(link, {"outcome": "declined", "name": "X", "reason": "y"})

    body = shown.content.decode()
    assert shown.status_code == 200 and referral.short_code in body and service.name in body
    assert (
        person.last_name not in body and person.hetu not in body and person.first_name not in body
    )
    assert done.status_code == 200
    referral.refresh_from_db()
    assert referral.status == "arrived" and referral.confirmed_via == "partner_link"
    assert referral.confirmed_by_name == "Kalle Kumppani"
    assert referral.events.last().actor_label == "Kalle Kumppani"
    external = AccessLogEntry.objects.filter(person_code=person.code, channel="link")
    assert external.filter(username="partner: Kalle Kumppani").exists()
    assert again.status_code == 410 and 'data-problem="used"' in again.content.decode()
    assert again_post.status_code == 410 and person.last_name not in again.content.decode()


def test_expired_and_tampered_links_show_a_clear_page_without_data(
    client, alice, county, service, person
):
    referral, token = send(alice, county, service, person)

    with time_machine.travel(timezone.now() + datetime.timedelta(days=15)):
        expired = client.get(f"/referrals/confirm/{token}/")
    tampered = client.get(f"/referrals/confirm/{token[:-2]}xx/")

    assert expired.status_code == 410 and 'data-problem="expired"' in expired.content.decode()
    assert tampered.status_code == 410 and 'data-problem="invalid"' in tampered.content.decode()
    assert referral.service.name not in expired.content.decode()


def test_a_new_link_voids_the_old_one(as_user, alice, client, county, service, person):
    referral, old = send(alice, county, service, person)

    as_user(alice).post(f"/referrals/{referral.code}/link/")

    assert client.get(f"/referrals/confirm/{old}/").status_code == 410


def test_status_loop_with_reasons_and_invalid_changes(as_user, alice, county, service, person):
    referral, _ = send(alice, county, service, person)
    client = as_user(alice)

    no_reason = client.post(
        f"/referrals/{referral.code}/status/", {"to": "declined", "via": "worker", "reason": ""}
    )
    declined = client.post(
        f"/referrals/{referral.code}/status/",
        {"to": "declined", "via": "worker", "reason": "Ei tilaa"},
    )
    invalid = client.post(f"/referrals/{referral.code}/status/", {"to": "arrived", "via": "worker"})

    assert no_reason.status_code == 400 and "Give the reason" in no_reason.content.decode()
    assert declined.status_code == 302
    referral.refresh_from_db()
    assert referral.status == "declined" and referral.decline_reason == "Ei tilaa"
    assert invalid.status_code == 400
    assert list(referral.events.values_list("to_status", flat=True)) == [
        "draft",
        "sent",
        "declined",
    ]


def test_client_and_worker_confirmations(alice, county, service, person):
    by_client, _ = send(alice, county, service, person)
    by_worker, _ = send(alice, county, service, person)

    actions.change_status(
        actions.Actor.for_user(alice), by_client, to="arrived", user=alice, via="client"
    )
    actions.change_status(
        actions.Actor.for_user(alice), by_worker, to="started", user=alice, via="worker"
    )

    assert by_client.confirmed_via == "client" and by_worker.confirmed_via == "worker"
    assert by_worker.confirmed_at is not None


def test_warm_handoff_records_the_meeting_and_confirms(as_user, alice, county, service, person):
    referral, _ = send(alice, county, service, person)
    when = timezone.localtime() - datetime.timedelta(hours=1)

    response = as_user(alice).post(
        f"/referrals/{referral.code}/handoff/",
        {
            "at": when.strftime("%Y-%m-%dT%H:%M"),
            "notes": "Uusi omatyöntekijä: Veli",
            "started": "on",
        },
    )

    referral.refresh_from_db()
    assert response.status_code == 302
    assert (
        referral.mode == "warm_handoff"
        and referral.status == "started"
        and referral.confirmed_via == "handoff"
    )
    assert referral.handoff_notes == "Uusi omatyöntekijä: Veli"


def test_overdue_confirmation_makes_one_follow_up_task_shown_in_my_day(
    as_user, alice, county, service, person, path
):
    referral, _ = send(alice, county, service, person, path_step=path.steps.first())
    on_time, _ = send(alice, county, service, person)

    assert actions.create_overdue_tasks() == 0
    with time_machine.travel(referral.due_at + datetime.timedelta(hours=1)):
        made = actions.create_overdue_tasks()
        again = actions.create_overdue_tasks()
        page = as_user(alice).get("/my-day/").content.decode()

    assert (made, again) == (1, 0) or made == 2  # the default 5 working days may also fall due
    task = FollowUpTask.objects.get(referral=referral)
    assert task.assigned_to == alice and task.done_at is None
    assert 'data-testid="follow-up-task"' in page and referral.short_code in page
    actions.change_status(
        actions.Actor.for_user(alice), referral, to="arrived", user=alice, via="worker"
    )
    task.refresh_from_db()
    assert task.done_at is not None
    assert on_time.status == "sent"


def test_the_periodic_job_is_registered(db):
    from kohtaamo.core.schedule import jobs
    from kohtaamo.referrals import tasks

    assert tasks.referral_follow_ups in [job.task for job in jobs()]


def test_due_time_follows_the_agreed_response_time(alice, county, service, person, path):
    step = path.steps.first()
    step.response_unit, step.response_time = "hours", 4
    step.save()
    monday = datetime.datetime(2026, 11, 30, 10, 0, tzinfo=timezone.get_default_timezone())

    with time_machine.travel(monday, tick=False):
        hours, _ = send(alice, county, service, person, path_step=step)
        default, _ = send(alice, county, service, person)

    assert hours.due_at == monday + datetime.timedelta(hours=4)
    assert timezone.localtime(default.due_at).date() == datetime.date(2026, 12, 7)  # 5 working days


def test_referral_list_htmx_fragment_and_no_n_plus_one(as_user, alice, county, service, person):
    from kohtaamo.testing.factories import PersonFactory
    from kohtaamo.testing.helpers import assert_constant_queries

    client = as_user(alice)

    def make(n):
        for _ in range(n):
            send(alice, county, service, PersonFactory(organisation=county))

    assert_constant_queries(make, lambda: client.get("/referrals/"))
    fragment = client.get("/referrals/", {"status": "all"}, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in fragment and 'id="rows"' in fragment
    assert AccessLogEntry.objects.filter(object_type="referrals.referral", action="view").exists()


def test_person_page_lists_referrals_and_logs_them(as_user, alice, referral, person):
    body = as_user(alice).get(f"/people/{person.code}/").content.decode()

    assert 'data-testid="person-referrals"' in body and referral.short_code in body
