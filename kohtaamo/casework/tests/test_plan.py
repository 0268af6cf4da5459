"""The client plan: default steps from the variant, goals in the client's words, steps, notes and
reviews, the client's agreement, optimistic locking (a stale save is refused and shows what
changed), the client's plain-language printable copy, and a partner's own steps."""

import datetime

import pytest
from django.utils import timezone

from kohtaamo.audit.models import AccessLogEntry, ChangeEntry
from kohtaamo.casework import actions, content
from kohtaamo.casework.actions import CaseworkError, StaleEdit
from kohtaamo.casework.models import ClientPlan, MatterMember, PlanStep
from kohtaamo.casework.tests.conftest import act


@pytest.mark.parametrize("variant", ["preventive", "intensive", "ngo", "digital"])
def test_the_variant_sets_the_default_steps(matter, alice, variant):
    plan = actions.create_plan(act(alice), matter, by=alice, variant=variant)

    expected = [s["what"]["fi"] for s in content.variant(variant)["steps"]]
    assert [s.what for s in plan.steps.order_by("order")] == expected
    assert all(s.from_variant for s in plan.steps.all())


def test_variants_data_has_every_language():
    for variant in content.variants():
        assert set(variant["name"]) == {"fi", "sv", "en"}
        for step in variant["steps"]:
            assert all(step["what"][lang] for lang in ("fi", "sv", "en"))
    assert {v["key"] for v in content.variants()} == set(ClientPlan.Variant.values)


def test_steps_are_in_the_clients_language(matter, alice, person):
    person.language = "sv"
    person.save()

    plan = actions.create_plan(act(alice), matter, by=alice, variant="preventive")

    assert plan.steps.order_by("order").first().what.startswith("Fråga")


def test_a_new_plan_ends_the_previous_one(plan, matter, alice):
    newer = actions.create_plan(act(alice), matter, by=alice, variant="digital")

    plan.refresh_from_db()
    assert plan.status == "ended" and newer.status == "draft"


def test_make_a_plan_through_the_page(as_user, alice, matter):
    response = as_user(alice).post(
        f"/casework/matters/{matter.code}/plans/new/",
        {"variant": "ngo", "client_view": "Haluan ystäviä.", "review_on": "2027-03-01"},
    )

    plan = ClientPlan.objects.get()
    assert response.status_code == 302 and plan.variant == "ngo"
    assert plan.client_view == "Haluan ystäviä." and plan.steps.count() == 4


def test_goals_steps_notes_and_agreement(plan, alice, official):
    goal = actions.add_goal(act(alice), plan, text="Haluan oman asunnon.", life_area="housing")
    step = actions.add_step(
        act(alice), plan, what="Haetaan vuokra-asuntoa", responsibility="together",
        assignee=alice, due_on=timezone.localdate() + datetime.timedelta(days=14), goal=goal,
    )  # fmt: skip
    actions.mark_step_done(act(alice), step, by=alice)
    actions.add_progress_note(
        act(alice), plan, by=alice, text="Katsottiin yhdessä.", is_review=True,
        next_review_on=timezone.localdate() + datetime.timedelta(days=60),
    )  # fmt: skip
    actions.agree_plan(act(alice), plan, agreed_on=timezone.localdate(), agreed_how="meeting")
    actions.review_goal(act(alice), goal, status="partly")

    plan.refresh_from_db()
    step.refresh_from_db()
    assert step.done_by == alice and plan.reviewed_on == timezone.localdate()
    assert plan.status == "agreed" and plan.agreed_how == "meeting"
    assert ChangeEntry.objects.filter(object_type="casework.goal").count() == 2


def test_a_plan_is_agreed_only_with_a_goal(plan, alice):
    with pytest.raises(CaseworkError):
        actions.agree_plan(act(alice), plan, agreed_on=timezone.localdate(), agreed_how="meeting")


def test_a_worker_outside_the_team_cannot_be_assigned(plan, charlie, alice):
    with pytest.raises(CaseworkError) as refused:
        actions.add_step(act(alice), plan, what="Jotain", assignee=charlie)

    assert refused.value.field == "assignee"


def test_a_stale_save_is_refused_and_nothing_is_overwritten(plan, alice, bob):
    actions.update_plan(act(alice), plan, version=1, client_view="Alicen versio")

    with pytest.raises(StaleEdit) as stale:
        actions.update_plan(act(alice), plan, version=1, client_view="Toinen versio")

    plan.refresh_from_db()
    assert plan.client_view == "Alicen versio" and plan.version == 2
    assert stale.value.differences == [("client_view", "Alicen versio", "Toinen versio")]


def test_the_edit_page_shows_the_conflict_and_keeps_what_was_typed(as_user, alice, plan):
    actions.update_plan(act(alice), plan, version=plan.version, situation="Tilanne A")
    client = as_user(alice)

    response = client.post(
        f"/casework/plans/{plan.code}/edit/",
        {"version": 1, "situation": "Tilanne B", "client_view": ""},
    )
    again = client.post(
        f"/casework/plans/{plan.code}/edit/",
        {"version": response.context["form"]["version"].value(), "situation": "Tilanne B"},
    )

    body = response.content.decode()
    assert response.status_code == 409 and 'data-testid="conflict"' in body
    assert "Tilanne A" in body and "Tilanne B" in body
    plan.refresh_from_db()
    assert again.status_code == 302 and plan.situation == "Tilanne B"


def test_a_stale_goal_edit_is_refused(as_user, alice, plan):
    goal = actions.add_goal(act(alice), plan, text="Alkuperäinen")
    version = ClientPlan.objects.get(pk=plan.pk).version
    actions.update_goal(act(alice), goal, version=version, text="Joku muu muutti")

    response = as_user(alice).post(
        f"/casework/goals/{goal.code}/edit/", {"version": version, "text": "Minun muutokseni"}
    )

    goal.refresh_from_db()
    assert response.status_code == 409 and goal.text == "Joku muu muutti"


def test_plan_page_logs_and_the_step_toggle_returns_a_fragment(as_user, alice, plan, person):
    client = as_user(alice)
    step = plan.steps.first()

    page = client.get(f"/casework/plans/{plan.code}/")
    fragment = client.post(
        f"/casework/steps/{step.code}/done/", {"done": "1"}, headers={"HX-Request": "true"}
    )
    full = client.post(
        f"/casework/steps/{step.code}/done/", {"done": "0", "next": plan.get_absolute_url()}
    )

    assert page.status_code == 200 and 'data-testid="steps"' in page.content.decode()
    assert fragment.content.decode().startswith(
        '<section class="card" aria-labelledby="steps-title"'
    )
    assert full.status_code == 302
    step.refresh_from_db()
    assert step.done_at is None
    assert AccessLogEntry.objects.filter(
        object_type="casework.plan", person_code=person.code
    ).exists()


def test_the_clients_printable_copy_is_plain_language_and_logged_as_a_print(
    as_user, alice, plan, person
):
    actions.add_goal(act(alice), plan, text="Haluan oman asunnon.")

    response = as_user(alice).get(f"/casework/plans/{plan.code}/print/?lang=en")

    body = response.content.decode()
    assert "My plan, Maija" in body and "Haluan oman asunnon." in body
    assert "My rights" in body and 'data-testid="print-worker"' in body
    assert "<script" not in body
    assert AccessLogEntry.objects.filter(
        object_type="casework.plan", action="print", person_code=person.code
    ).exists()


def test_partner_sees_only_their_steps(as_user, alice, plan, matter, partner_worker):
    actions.add_member(act(alice), matter, partner_worker, role=MatterMember.Role.PARTNER, by=alice)
    step = actions.add_step(
        act(alice), plan, what="Kela käsittelee hakemuksen", assignee=partner_worker
    )
    client = as_user(partner_worker)

    listing = client.get("/casework/my-steps/")
    detail = client.get(f"/casework/steps/{step.code}/")
    done = client.post(f"/casework/steps/{step.code}/done/", {"done": "1"})
    plan_page = client.get(f"/casework/plans/{plan.code}/")
    other = client.get(f"/casework/steps/{plan.steps.exclude(pk=step.pk).first().code}/")

    assert "Kela käsittelee hakemuksen" in listing.content.decode()
    assert detail.status_code == 200 and done.status_code == 302
    assert PlanStep.objects.get(pk=step.pk).done_by == partner_worker
    assert plan_page.status_code == 404 and other.status_code == 404


def test_my_steps_queries_do_not_grow(as_user, alice, plan, matter, partner_worker):
    actions.add_member(act(alice), matter, partner_worker, role=MatterMember.Role.PARTNER, by=alice)
    client = as_user(partner_worker)

    from kohtaamo.testing.helpers import assert_constant_queries

    def add(n):
        for i in range(n):
            actions.add_step(act(alice), plan, what=f"Tehtävä {i}", assignee=partner_worker)

    assert_constant_queries(add, lambda: client.get("/casework/my-steps/"))


@pytest.mark.parametrize(("who", "status"), [("alice", 302), ("bob", 403), ("charlie", 404)])
def test_plan_edit_access(request, as_user, plan, who, status):
    response = as_user(request.getfixturevalue(who)).post(
        f"/casework/plans/{plan.code}/edit/", {"version": plan.version, "situation": "Uusi"}
    )

    assert response.status_code == status
