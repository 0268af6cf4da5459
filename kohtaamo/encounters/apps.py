from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EncountersConfig(AppConfig):
    name = "kohtaamo.encounters"
    label = "encounters"
    verbose_name = _("Low-threshold desk")
