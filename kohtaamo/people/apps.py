from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "kohtaamo.people"
    label = "people"
    verbose_name = _("Client registry")

    def ready(self):
        from kohtaamo.core.registry import nav_item

        nav_item(
            "people",
            label=_("Client registry"),
            url_name="people:list",
            order=50,
            visible=lambda user: bool(user.organisation_ids()),
        )
