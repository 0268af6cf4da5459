from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "kohtaamo.directory"
    label = "directory"
    verbose_name = _("Service directory")

    def ready(self):
        from kohtaamo.core.registry import nav_item
        from kohtaamo.directory.access import is_staff_member

        nav_item(
            "directory",
            label=_("Service directory"),
            url_name="directory:home",
            order=60,
            visible=is_staff_member,
        )
