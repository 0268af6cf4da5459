import pytest
from django.core.management import call_command

from kohtaamo.channel.models import ChatService, ContactRequest, HelpQueue
from kohtaamo.core.schedule import jobs
from kohtaamo.people.models import Person

pytestmark = pytest.mark.django_db


def test_seed_demo_channel_is_idempotent():
    from kohtaamo.core.management.commands.seed_demo import ensure_structure, ensure_users

    county, units, teams, partners = ensure_structure()
    ensure_users(county, units, teams, partners, "Demo-salasana-2026")
    call_command("seed_demo_channel", stdout=open("/dev/null", "w"))  # noqa: SIM115
    before = (
        ChatService.objects.count(),
        HelpQueue.objects.count(),
        ContactRequest.objects.count(),
    )

    call_command("seed_demo_channel", stdout=open("/dev/null", "w"))  # noqa: SIM115

    after = (ChatService.objects.count(), HelpQueue.objects.count(), ContactRequest.objects.count())
    assert before == after == (1, 1, 3)
    assert ChatService.objects.get().hours.count() == 7
    assert Person.objects.filter(last_name="Testinen").count() == 1


def test_periodic_jobs_are_registered():
    names = {job.name for job in jobs()}

    assert {
        "kohtaamo.channel.tasks.purge_chat_transcripts",
        "kohtaamo.channel.tasks.end_abandoned_chats",
    } <= names
