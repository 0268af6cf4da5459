"""Field experiments and their three evaluation stages (seed 003)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kohtaamo.audit.actions import Actor
from kohtaamo.evaluation import access, actions
from kohtaamo.evaluation.experiment_activity import activity
from kohtaamo.evaluation.forms import STAGE_FORMS, ExperimentForm
from kohtaamo.evaluation.models import ExperimentStage


def _can_write(user, experiment) -> bool:
    return (
        experiment.owner_id == user.pk
        or experiment.organisation_id in access.experiment_write_organisation_ids(user)
    )


@login_required
def experiment_list(request):
    org_ids = access.experiment_organisation_ids(request.user)
    if not org_ids:
        raise PermissionDenied
    experiments = (
        access.experiments_visible_to(request.user)
        .select_related("organisation", "unit", "place", "owner")
        .prefetch_related("stages")
    )
    rows = []
    today = timezone.localdate()
    for experiment in experiments:
        stages = {s.stage: s for s in experiment.stages.all()}
        rows.append(
            {
                "experiment": experiment,
                "status": experiment.status(today),
                "stages": [
                    (key, label, stages.get(key)) for key, label in ExperimentStage.Stage.choices
                ],
            }
        )
    return render(
        request,
        "evaluation/experiment_list.html",
        {"rows": rows, "can_add": bool(access.experiment_write_organisation_ids(request.user))},
    )


def _write_organisation(user):
    org_ids = access.experiment_write_organisation_ids(user)
    membership = next((m for m in user.active_memberships() if m.organisation_id in org_ids), None)
    if membership is None:
        raise PermissionDenied
    return membership


@login_required
def experiment_add(request):
    membership = _write_organisation(request.user)
    form = ExperimentForm(
        request.POST or None,
        organisation=membership.organisation,
        initial={"unit": membership.unit_id, "workers_per_session": 1},
    )
    if request.method == "POST" and form.is_valid():
        experiment = actions.create_experiment(
            Actor.from_request(request),
            by=request.user,
            organisation=membership.organisation,
            **form.cleaned_data,
        )
        messages.success(request, _("The experiment was created. Fill in the start form next."))
        return redirect("evaluation:experiment-stage", experiment.code, "start")
    return render(request, "evaluation/experiment_form.html", {"form": form, "experiment": None})


@login_required
def experiment_edit(request, code):
    experiment = access.get_experiment_for_user(request.user, code, write=True)
    form = ExperimentForm(
        request.POST or None, instance=experiment, organisation=experiment.organisation
    )
    if request.method == "POST" and form.is_valid():
        actions.update_experiment(Actor.from_request(request), experiment, **form.cleaned_data)
        messages.success(request, _("The changes were saved."))
        return redirect(experiment)
    return render(
        request, "evaluation/experiment_form.html", {"form": form, "experiment": experiment}
    )


def _context(request, experiment):
    stages = {s.stage: s for s in experiment.stages.all()}
    return {
        "experiment": experiment,
        "activity": activity(experiment),
        "stages": [
            {
                "key": key,
                "label": label,
                "row": stages.get(key),
                "due": experiment.due_on(key),
            }
            for key, label in ExperimentStage.Stage.choices
        ],
        "can_edit": _can_write(request.user, experiment),
        "today": timezone.localdate(),
    }


@login_required
def experiment_detail(request, code):
    experiment = access.get_experiment_for_user(request.user, code)
    return render(request, "evaluation/experiment_detail.html", _context(request, experiment))


@login_required
def experiment_report(request, code):
    """The printable report: the experiment, its activity and all three stages."""
    experiment = access.get_experiment_for_user(request.user, code)
    context = _context(request, experiment)
    for stage in context["stages"]:
        row = stage["row"]
        stage["answers"] = (
            [
                (
                    ExperimentStage._meta.get_field(name).verbose_name,
                    row.get_target_reached_display()
                    if name == "target_reached"
                    else getattr(row, name),
                )
                for name in ExperimentStage.fields_for(stage["key"])
            ]
            if row
            else []
        )
    return render(request, "evaluation/experiment_report.html", context)


@login_required
def experiment_stage(request, code, stage):
    if stage not in ExperimentStage.Stage.values:
        raise Http404
    write = request.method == "POST"
    experiment = access.get_experiment_for_user(request.user, code, write=write)
    row = (
        actions.stage_for(experiment, stage)
        if write
        else experiment.stages.filter(stage=stage).first()
    )
    form_class = STAGE_FORMS[stage]
    form = form_class(request.POST or None, instance=row)
    if write and form.is_valid():
        actor = Actor.from_request(request)
        data = {k: v for k, v in form.cleaned_data.items()}
        finish = request.POST.get("action") == "finish"
        actions.save_stage(actor, experiment, stage, by=request.user, data=data)
        if not finish:
            messages.success(request, _("The draft was saved. You can finish it later."))
            return redirect(experiment)
        try:
            actions.save_stage(actor, experiment, stage, by=request.user, data=data, finish=True)
        except ValidationError as exc:
            for name in exc.params.get("missing", []):
                form.add_error(name, _("Answer this to finish the form."))
            messages.info(request, _("The draft was saved, but some answers are still missing."))
        else:
            messages.success(request, _("The form was finished."))
            return redirect(experiment)
    return render(
        request,
        "evaluation/experiment_stage.html",
        {
            "experiment": experiment,
            "stage": stage,
            "stage_label": ExperimentStage.Stage(stage).label,
            "row": row,
            "form": form,
            "can_edit": _can_write(request.user, experiment),
            "activity": activity(experiment) if stage != "start" else None,
        },
    )


@require_POST
@login_required
def experiment_reopen(request, code, stage):
    experiment = access.get_experiment_for_user(request.user, code, write=True)
    row = experiment.stages.filter(stage=stage).first()
    if row is None:
        raise Http404
    actions.reopen_stage(Actor.from_request(request), row)
    messages.success(request, _("The form is open for changes again."))
    return redirect("evaluation:experiment-stage", experiment.code, stage)
