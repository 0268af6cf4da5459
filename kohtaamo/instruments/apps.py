from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class InstrumentsConfig(AppConfig):
    name = "kohtaamo.instruments"
    label = "instruments"
    verbose_name = _("Assessment instruments")

    def ready(self):
        from kohtaamo.instruments import registrations  # noqa: F401  (person-page section)
        from kohtaamo.instruments.loader import load_instruments

        post_migrate.connect(load_instruments, sender=self)
