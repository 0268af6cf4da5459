from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "kohtaamo.accounts"
    label = "accounts"
    verbose_name = _("Users and organisations")

    def ready(self):
        from kohtaamo.accounts.roles import ensure_default_roles

        # Reference data, as Django does for permissions: runs after migrate and after a test flush.
        post_migrate.connect(ensure_default_roles, sender=self)
        from django.db.models.signals import post_delete, post_save

        from kohtaamo.accounts.models import Membership

        # A changed membership changes what the navigation offers (core/registry.py caches it).
        post_save.connect(_forget_nav, sender=Membership, dispatch_uid="membership-nav")
        post_delete.connect(_forget_nav, sender=Membership, dispatch_uid="membership-nav-del")


def _forget_nav(sender, instance, **kwargs):
    from kohtaamo.core.registry import forget_nav

    forget_nav(instance.user_id)
