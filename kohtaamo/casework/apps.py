from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CaseworkConfig(AppConfig):
    name = "kohtaamo.casework"
    label = "casework"
    verbose_name = _("Case management")

    def ready(self):
        import datetime

        from django.conf import settings
        from django.core.exceptions import ImproperlyConfigured

        for value in settings.EXTRA_HOLIDAYS:
            try:
                datetime.date.fromisoformat(value)
            except ValueError:
                raise ImproperlyConfigured(
                    f"KOHTAAMO_EXTRA_HOLIDAYS: {value!r} is not a date like 2026-12-31 "
                    "(docs/desk.md)"
                ) from None

        # "my day" sections, navigation, the person page, periodic jobs
        from kohtaamo.casework import myday, registrations, tasks  # noqa: F401
