"""Demo data of the client channel: the county's chat with opening hours and ready phrases, the
request-for-help queue with a few synthetic requests, and registry entries for the development
identification personas (so "my information" has something to show). Idempotent."""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand
from django.db import transaction

from kohtaamo.accounts.models import Organisation, Team, User
from kohtaamo.audit.actions import Actor, log_access
from kohtaamo.channel.actions.requests import RequestInput, create_contact_request
from kohtaamo.channel.identity import DevelopmentProvider
from kohtaamo.channel.models import ChatOpeningHours, ChatService, ContactRequest, HelpQueue

COUNTY_SLUG = "jarvi-suomi"
MUNICIPALITIES = ["Järvelä", "Koivula", "Rantala", "Mäntylä"]
PHRASES = [
    {
        "fi": "Hei! Olen sosiaaliohjaaja. Mistä haluat jutella?",
        "sv": "Hej! Jag är socialhandledare. Vad vill du prata om?",
        "en": "Hello! I am a social counsellor. What would you like to talk about?",
    },
    {
        "fi": "Kiitos, että kerroit. Kysyn vielä muutaman asian.",
        "sv": "Tack för att du berättade. Jag frågar några saker till.",
        "en": "Thank you for telling me. I will ask a few more things.",
    },
    {
        "fi": "Voit tulla myös käymään sosiaalineuvontaan ilman ajanvarausta.",
        "sv": "Du kan också komma till den sociala rådgivningen utan tidsbokning.",
        "en": "You can also visit the walk-in social counselling without an appointment.",
    },
    {
        "fi": "Hätätilanteessa soita 112.",
        "sv": "I en nödsituation ring 112.",
        "en": "In an emergency, call 112.",
    },
]
HOURS = [(d, "09:00", "16:00") for d in range(5)] + [(d, "18:00", "20:00") for d in (0, 2)]
REQUESTS = [
    (
        ["money"],
        "Rahat loppuu aina kuun puolivälissä.",
        "Sari",
        "040 555 0101",
        "call",
        ["morning"],
    ),
    (["housing", "money"], "Vuokra on rästissä.", "", "040 555 0102", "text", []),
    (["lonely"], "", "Eino", "040 555 0103", "call", ["afternoon"]),
]


def _time(text: str) -> datetime.time:
    return datetime.time.fromisoformat(text)


class Command(BaseCommand):
    help = "Load the client channel's demo data (synthetic)."

    def handle(self, *args, **options):
        county = Organisation.objects.filter(slug=COUNTY_SLUG).first()
        if county is None:
            self.stdout.write("channel: no demo county (run seed_demo first); skipped")
            return
        team = Team.objects.filter(unit__organisation=county, slug="keskusta").first()
        with transaction.atomic():
            service, created = ChatService.objects.get_or_create(
                slug="jarvi-chat",
                defaults=dict(
                    organisation=county,
                    unit=team.unit if team else None,
                    team=team,
                    name_fi="Sosiaalineuvonnan chat",
                    name_sv="Social rådgivningens chatt",
                    name_en="Social counselling chat",
                    welcome_fi="Voit kysyä mitä vain. Sinun ei tarvitse kertoa nimeäsi.",
                    welcome_sv="Du kan fråga vad som helst. Du behöver inte säga ditt namn.",
                    welcome_en="You can ask anything. You do not need to tell your name.",
                    ready_phrases=PHRASES,
                ),
            )
            if created:
                ChatOpeningHours.objects.bulk_create(
                    ChatOpeningHours(service=service, weekday=d, opens=_time(o), closes=_time(c))
                    for d, o, c in HOURS
                )
            self.stdout.write(f"  chat service {'created' if created else 'exists'}")
            queue, created = HelpQueue.objects.get_or_create(
                slug="jarvi-apua",
                defaults=dict(
                    organisation=county,
                    unit=team.unit if team else None,
                    team=team,
                    name_fi="Matalan kynnyksen palvelut",
                    name_sv="Lågtröskeltjänster",
                    name_en="Low-threshold services",
                    municipalities=MUNICIPALITIES,
                    notify_email="matala@example.fi",
                ),
            )
            self.stdout.write(f"  help queue {'created' if created else 'exists'}")
            made = 0
            if not ContactRequest.objects.filter(queue=queue).exists():
                for topics, message, name, phone, method, times in REQUESTS:
                    create_contact_request(
                        RequestInput(
                            topics=topics,
                            message=message,
                            name=name,
                            phone=phone,
                            contact_method=method,
                            contact_times=times,
                        ),
                        queue=queue,
                        actor=Actor.system("seed_demo_channel"),
                    )
                    made += 1
            self.stdout.write(f"  {made} requests for help")
            people = self._personas(county)
        self.stdout.write(f"channel: chat, help queue, {made} requests, {people} persona records")

    def _personas(self, county) -> int:
        """The development personas as clients of the demo county, each viewed once by the
        demo counsellor so that "who has viewed my data" is not empty."""
        from kohtaamo.people.actions import create_person
        from kohtaamo.people.models import Person

        worker = User.objects.filter(username="sosiaaliohjaaja").first()
        made = 0
        for identity in DevelopmentProvider.personas():
            if Person.objects.filter(organisation=county, hetu_hash=identity.hetu_hash).exists():
                continue
            person = create_person(
                Actor.system("seed_demo_channel"),
                organisation=county,
                first_name=identity.given_names,
                last_name=identity.surname,
                hetu=identity.hetu,
                municipality="Järvelä",
            )
            if worker is not None:
                log_access(
                    Actor.for_user(worker, source="127.0.0.1"),
                    person_code=person.code,
                    object_type="people.person",
                    object_ref=person.pk,
                )
            made += 1
        return made
