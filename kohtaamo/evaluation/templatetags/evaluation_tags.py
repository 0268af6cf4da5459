from __future__ import annotations

from django import template
from django.utils.translation import gettext_lazy as _

from kohtaamo.evaluation import access

register = template.Library()


@register.inclusion_tag("evaluation/includes/subnav.html", takes_context=True)
def evaluation_nav(context):
    """The evaluation section's own navigation, showing what the user's roles allow."""
    request = context["request"]
    user = request.user
    aggregates = bool(access.aggregate_organisation_ids(user))
    links = []
    if aggregates:
        links += [
            ("evaluation:overview", _("Overview")),
            ("evaluation:activity", _("Activity")),
            ("evaluation:fidelity", _("Fidelity")),
        ]
    if access.social_report_organisation_ids(user):
        links.append(("evaluation:social-report", _("Social report")))
    if access.experiment_organisation_ids(user):
        links.append(("evaluation:experiments", _("Experiments")))
    if user.active_memberships():
        links.append(("evaluation:models", _("Logic models")))
    if access.programme_organisation_ids(user):
        links.append(("evaluation:adoptions", _("Adoptions")))
    if access.research_organisation_ids(user):
        links.append(("evaluation:research-extract", _("Research extract")))
    current = request.resolver_match.view_name if request.resolver_match else ""
    return {"links": links, "current": current}


@register.filter(name="pick")
def pick_text(texts):
    """A {fi, sv, en} text in the current language (content data of logic models)."""
    from kohtaamo.core.i18n import pick

    return pick(texts)
