"""Dashboards for managers and evaluators: aggregates only, a table first and a chart drawn
from the same data; filters are a plain GET form. Exports rebuild the same tables."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render

from kohtaamo.core.htmx import is_htmx
from kohtaamo.evaluation import access, dashboards, exports, fidelity, social_report
from kohtaamo.evaluation.filters import FilterForm, build
from kohtaamo.evaluation.models import Adoption

PAGES = {
    "overview": "evaluation/overview.html",
    "activity": "evaluation/activity.html",
}


def _filters(request, organisation_ids):
    form = FilterForm(request.GET or None, organisation_ids=organisation_ids)
    return form, build(form)


def _render(request, template, context):
    return render(request, f"{template}#dashboard" if is_htmx(request) else template, context)


def _dashboard(request, name):
    org_ids = access.require_aggregates(request.user)
    form, filters = _filters(request, org_ids)
    panels = dashboards.DASHBOARDS[name](filters)
    context = {"form": form, "filters": filters, "panels": panels, "dashboard": name}
    return _render(request, PAGES[name], context)


@login_required
def overview(request):
    return _dashboard(request, "overview")


@login_required
def activity(request):
    return _dashboard(request, "activity")


def _fidelity_model(request, org_ids) -> str | None:
    adopted = list(
        Adoption.objects.in_organisations(org_ids)
        .values_list("version__model__key", flat=True)
        .distinct()
        .order_by("version__model__key")
    )
    wanted = request.GET.get("model")
    if wanted in adopted:
        return wanted
    return adopted[0] if adopted else None


@login_required
def fidelity_view(request):
    org_ids = access.require_aggregates(request.user)
    form, filters = _filters(request, org_ids)
    model_key = _fidelity_model(request, org_ids)
    compare = "county" if request.GET.get("compare") == "county" else "unit"
    result = fidelity.report(filters, model_key, compare) if model_key else None
    context = {
        "form": form,
        "filters": filters,
        "report": result,
        "model_key": model_key,
        "compare": compare,
        "dashboard": "fidelity",
    }
    return _render(request, "evaluation/fidelity.html", context)


def tables_for(request, dashboard: str, org_ids):
    form, filters = _filters(request, org_ids)
    if dashboard == "fidelity":
        model_key = _fidelity_model(request, org_ids)
        compare = "county" if request.GET.get("compare") == "county" else "unit"
        result = fidelity.report(filters, model_key, compare) if model_key else None
        return result["tables"] if result else []
    if dashboard == "social-report":
        return [s["panel"].table for s in social_report.report(filters) if s["panel"]]
    if dashboard in dashboards.DASHBOARDS:
        return [p.table for p in dashboards.DASHBOARDS[dashboard](filters)]
    raise Http404


@login_required
def export(request, dashboard, table, fmt):
    """CSV or XLSX of one dashboard table, protected exactly as on screen."""
    if dashboard == "social-report":
        org_ids = access.social_report_organisation_ids(request.user)
        if not org_ids:
            raise PermissionDenied
    else:
        org_ids = access.require_aggregates(request.user)
    found = next((t for t in tables_for(request, dashboard, org_ids) if t.key == table), None)
    if found is None or fmt not in ("csv", "xlsx"):
        raise Http404
    return exports.csv_response(found) if fmt == "csv" else exports.xlsx_response(found)
