from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutreachConfig(AppConfig):
    name = "kohtaamo.outreach"
    label = "outreach"
    verbose_name = _("Outreach work")

    def ready(self):
        from kohtaamo.outreach import registrations, tasks  # noqa: F401  (registers)
