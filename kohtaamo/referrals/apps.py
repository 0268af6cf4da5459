from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    name = "kohtaamo.referrals"
    label = "referrals"
    verbose_name = _("Service paths and referrals")

    def ready(self):
        from kohtaamo.referrals import registrations  # noqa: F401
