"""The navigation: which entries a user sees is cached, and dropped when memberships change."""

from kohtaamo.accounts.models import Membership, Role
from kohtaamo.core import registry


def test_navigation_is_cached_until_a_membership_changes(monkeypatch, alice, other_county):
    calls = []

    def visible(user):
        calls.append(user.pk)
        return True

    probe = registry.NavItem("probe", "Probe", "core:my-day", 999, visible)
    monkeypatch.setitem(registry._NAV, "probe", probe)

    first = [item.key for item in registry.nav_for(alice)]
    second = [item.key for item in registry.nav_for(alice)]

    assert "probe" in first and first == second
    assert calls == [alice.pk]  # the second page used the cached answer

    Membership.objects.create(
        user=alice, organisation=other_county, role=Role.objects.get(key="partner_worker")
    )
    registry.nav_for(alice)

    assert calls == [alice.pk, alice.pk]
