"""The default roles. Roles are rows in the database; this list only seeds them.

Access gates read the capability columns (client_access, is_official, ...), so a county can add a
role of its own without code.
"""

from __future__ import annotations

DEFAULT_ROLES = [
    {
        "key": "social_worker",
        "name_fi": "Sosiaalityöntekijä (viranhaltija)",
        "name_sv": "Socialarbetare (tjänsteinnehavare)",
        "name_en": "Social worker (official)",
        "client_access": "write",
        "is_official": True,
        "is_social_welfare_professional": True,
    },
    {
        "key": "social_counsellor",
        "name_fi": "Sosiaaliohjaaja",
        "name_sv": "Socialhandledare",
        "name_en": "Social counsellor",
        "client_access": "write",
        "is_social_welfare_professional": True,
    },
    {
        "key": "other_professional",
        "name_fi": "Muu ammattilainen (esim. sairaanhoitaja, toimintaterapeutti, kokemusasiantuntija)",
        "name_sv": "Annan yrkesperson (t.ex. sjukskötare, ergoterapeut, erfarenhetsexpert)",
        "name_en": "Other professional (e.g. nurse, occupational therapist, expert by experience)",
        "client_access": "write",
    },
    {
        "key": "readonly",
        "name_fi": "Lukuoikeus (esim. opiskelija)",
        "name_sv": "Läsrätt (t.ex. studerande)",
        "name_en": "Read-only (e.g. student)",
        "client_access": "read",
    },
    {
        "key": "partner_worker",
        "name_fi": "Kumppanin työntekijä",
        "name_sv": "Partnerns anställd",
        "name_en": "Partner worker",
        "client_access": "none",
        "handles_referrals": True,
    },
    {
        "key": "manager",
        "name_fi": "Esihenkilö",
        "name_sv": "Chef",
        "name_en": "Manager",
        "client_access": "none",
        "sees_aggregates": True,
    },
    {
        "key": "evaluator",
        "name_fi": "Arvioija",
        "name_sv": "Utvärderare",
        "name_en": "Evaluator",
        "client_access": "none",
        "sees_aggregates": True,
        "pseudonymised_only": True,
    },
    {
        "key": "administrator",
        "name_fi": "Pääkäyttäjä",
        "name_sv": "Huvudanvändare",
        "name_en": "Administrator",
        "client_access": "none",
        "configures": True,
    },
]


def ensure_default_roles(**kwargs) -> None:
    """Create missing default roles (post_migrate, so it also runs after a test flush)."""
    from kohtaamo.accounts.models import Role

    for spec in DEFAULT_ROLES:
        key = spec["key"]
        Role.objects.get_or_create(key=key, defaults={k: v for k, v in spec.items() if k != "key"})
