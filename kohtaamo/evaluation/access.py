"""Access gates for evaluation. They read role capabilities, never role names.

- Dashboards, fidelity and exports: `sees_aggregates` (managers, evaluators), for the
  organisations of those memberships. They see aggregates only: no evaluation page shows a name,
  identity code or any link to a person, and the people gate already gives them 404.
- Experiments: members of the organisation who work with clients or see aggregates. The owner,
  workers who record (`client_access` write) and managers edit; read-only roles and
  evaluators (`pseudonymised_only`) read; everyone else gets 404.
- Adoptions and adaptations: managers (`sees_aggregates` without `pseudonymised_only`) and
  administrators (`configures`) of the organisation record them; the others above read.
- The research extract: evaluators (`pseudonymised_only`) only.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from kohtaamo.evaluation.models import Adoption, Experiment


def _orgs(user, test) -> set[int]:
    if not user.is_authenticated:
        return set()
    return {m.organisation_id for m in user.active_memberships() if test(m.role)}


def aggregate_organisation_ids(user) -> set[int]:
    return _orgs(user, lambda r: r.sees_aggregates)


def require_aggregates(user) -> set[int]:
    orgs = aggregate_organisation_ids(user)
    if not orgs:
        raise PermissionDenied
    return orgs


def _manages(role) -> bool:
    return (role.sees_aggregates and not role.pseudonymised_only) or role.configures


def managed_organisation_ids(user) -> set[int]:
    return _orgs(user, _manages)


def experiment_organisation_ids(user) -> set[int]:
    return _orgs(user, lambda r: r.client_access in ("read", "write") or r.sees_aggregates)


def experiment_write_organisation_ids(user) -> set[int]:
    return _orgs(
        user,
        lambda r: r.client_access == "write" or (r.sees_aggregates and not r.pseudonymised_only),
    )


def experiments_visible_to(user):
    return Experiment.objects.in_organisations(experiment_organisation_ids(user))


def get_experiment_for_user(user, code, *, write: bool = False) -> Experiment:
    experiment = (
        experiments_visible_to(user)
        .filter(code=code)
        .select_related("organisation", "unit", "owner", "place")
        .first()
    )
    if experiment is None:
        raise Http404
    if write and not (
        experiment.owner_id == user.pk
        or experiment.organisation_id in experiment_write_organisation_ids(user)
    ):
        raise PermissionDenied
    return experiment


def programme_organisation_ids(user) -> set[int]:
    """Organisations whose adoptions the user may read."""
    return experiment_organisation_ids(user) | managed_organisation_ids(user)


def get_adoption_for_user(user, code, *, write: bool = False) -> Adoption:
    adoption = (
        Adoption.objects.in_organisations(programme_organisation_ids(user))
        .filter(code=code)
        .select_related("version__model", "organisation", "unit")
        .first()
    )
    if adoption is None:
        raise Http404
    if write and adoption.organisation_id not in managed_organisation_ids(user):
        raise PermissionDenied
    return adoption


def social_report_organisation_ids(user) -> set[int]:
    return _orgs(user, lambda r: r.sees_aggregates or r.client_access == "write")


def comment_organisation_ids(user) -> set[int]:
    return _orgs(user, lambda r: r.client_access == "write" or _manages(r))


def research_organisation_ids(user) -> set[int]:
    return _orgs(user, lambda r: r.sees_aggregates and r.pseudonymised_only)
