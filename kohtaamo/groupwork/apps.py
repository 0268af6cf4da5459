from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GroupworkConfig(AppConfig):
    name = "kohtaamo.groupwork"
    label = "groupwork"
    verbose_name = _("Group work")

    def ready(self):
        from kohtaamo.groupwork import registrations  # noqa: F401  (registers)
