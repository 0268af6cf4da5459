from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChannelConfig(AppConfig):
    name = "kohtaamo.channel"
    label = "channel"
    verbose_name = _("Client channel")

    def ready(self):
        from kohtaamo.channel import registrations, tasks  # noqa: F401  (registers)
