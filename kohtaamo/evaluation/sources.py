"""Built-in indicator sources over what the desk and referrals record. Other apps add theirs
through `evaluation_sources.py` (see `registry`)."""

from __future__ import annotations

from kohtaamo.evaluation import aggregates
from kohtaamo.evaluation.models.aggregates import ENCOUNTER_MEASURES
from kohtaamo.evaluation.registry import Scope, source


@source("encounters.count")
def encounter_count(scope: Scope, group_by: str, measure: str | None = None) -> dict:
    """Encounters (or those with `measure`, one of ENCOUNTER_MEASURES) per group."""
    measure = measure or "n"
    if measure not in ENCOUNTER_MEASURES:
        raise ValueError(f"unknown encounter measure {measure!r}")
    rows = aggregates.encounter_measures(scope, group_by)
    return {group: m[measure] for group, m in rows.items() if m["n"]}


@source("encounters.terms")
def encounter_terms(scope: Scope, group_by: str, section: str, key: str) -> dict:
    """Encounters with a theme / failure reason / unmet-need theme `key` per group; groups
    with encounters but none with the key count as 0."""
    counts = aggregates.term_counts(scope, section, group_by)
    result = {group: 0 for group in aggregates.encounter_measures(scope, group_by)}
    for (group, term), n in counts.items():
        if term == key:
            result[group] = result.get(group, 0) + n
    return result


def register_referral_sources() -> None:
    """Referral sources exist only once the referrals app has its models."""
    from kohtaamo.evaluation import referral_aggregates
    from kohtaamo.evaluation.registry import register_source

    if not referral_aggregates.available():
        return
    register_source("referrals.count", referral_aggregates.referral_count, app="evaluation")
    if referral_aggregates.paths_available():
        register_source(
            "referrals.paths_in_force", referral_aggregates.paths_in_force, app="evaluation"
        )
