"""`{% encounter_paths encounter %}`: the agreed service paths for the needs (themes) of the
encounter in front of the worker, with "refer" links. The desk includes it with one line."""

from django import template

from kohtaamo.referrals.access import can_refer, referral_org_ids
from kohtaamo.referrals.actions import paths_for_themes

register = template.Library()


@register.inclusion_tag("referrals/includes/encounter_paths_body.html", takes_context=True)
def encounter_paths(context, encounter):
    request = context.get("request")
    user = getattr(request, "user", None)
    if encounter is None or user is None or not referral_org_ids(user):
        return {"paths": []}
    keys = [t.key for t in encounter.themes.all()]
    params = f"&encounter={encounter.code}"
    return {
        "paths": paths_for_themes(keys, organisation_ids=referral_org_ids(user)),
        "referral_params": params,
        "can_refer": can_refer(user),
        "request": request,
    }


@register.filter
def get_item(mapping, key):
    return mapping.get(key, "") if hasattr(mapping, "get") else ""
