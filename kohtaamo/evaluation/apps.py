from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "kohtaamo.evaluation"
    label = "evaluation"
    verbose_name = _("Evaluation")

    def ready(self):
        from kohtaamo.core.registry import nav_item
        from kohtaamo.evaluation import access, myday, registry, social_report, sources
        from kohtaamo.evaluation.logic_models import load_logic_models

        # Logic models are reference data: loaded after migrate and after a test flush.
        post_migrate.connect(load_logic_models, sender=self)
        sources.register_referral_sources()
        social_report.register_builtin_sections()
        registry.autodiscover()
        myday.register_sections()
        nav_item(
            "evaluation",
            label=_("Evaluation"),
            url_name="evaluation:overview",
            order=80,
            visible=lambda user: bool(access.aggregate_organisation_ids(user)),
        )
        nav_item(
            "experiments",
            label=_("Experiments"),
            url_name="evaluation:experiments",
            order=81,
            visible=lambda user: (
                bool(access.experiment_organisation_ids(user))
                and not access.aggregate_organisation_ids(user)
            ),
        )
