from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "kohtaamo.audit"
    label = "audit"
    verbose_name = _("Audit")

    def ready(self):
        from kohtaamo.audit.actions import batched_access_log
        from kohtaamo.core.registry import sections_scope

        sections_scope(batched_access_log)
