from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChannelConfig(AppConfig):
    name = "kohtaamo.channel"
    label = "channel"
    verbose_name = _("Client channel")
