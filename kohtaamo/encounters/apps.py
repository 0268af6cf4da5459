from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class EncountersConfig(AppConfig):
    name = "kohtaamo.encounters"
    label = "encounters"
    verbose_name = _("Low-threshold desk")

    def ready(self):
        from kohtaamo.encounters import registrations, tasks  # noqa: F401  (registers)
        from kohtaamo.encounters.taxonomy import load_taxonomy

        # Reference data, like the roles: after migrate and after a test flush.
        post_migrate.connect(load_taxonomy, sender=self)
