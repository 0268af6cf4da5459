"""The PAKU quality criteria questionnaires: a client's anonymous answer through a one-time link
(plain language, no login), professionals' and management's answers, and the results per unit."""

from __future__ import annotations

import datetime

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from kohtaamo.accounts.models import Unit
from kohtaamo.casework import content
from kohtaamo.casework.access import quality_org_ids, sees_quality_results
from kohtaamo.casework.actions import CaseworkError
from kohtaamo.casework.actions import quality as quality_actions
from kohtaamo.casework.models import Rater
from kohtaamo.core.i18n import pick

LINK_KEY = "casework.quality_link"


class QualityForm(forms.Form):
    about_close_one = forms.BooleanField(
        label=gettext_lazy("I answer about a close one's case"), required=False
    )

    def __init__(self, *args, rater: str, **kwargs):
        super().__init__(*args, **kwargs)
        scale = [
            (str(s["value"]), f"{s['value']} – {pick(s['label'])}")
            for s in content.quality()["scale"]
        ]
        if rater != Rater.CLIENT:
            del self.fields["about_close_one"]
        self.groups = []
        for theme in content.themes():
            criteria = []
            for criterion in theme["criteria"]:
                names = []
                for statement in criterion["statements"][rater]:
                    self.fields[statement["key"]] = forms.TypedChoiceField(
                        label=pick(statement["text"]),
                        choices=scale,
                        coerce=int,
                        required=False,
                        widget=forms.RadioSelect(attrs={"class": "scale"}),
                    )
                    names.append(statement["key"])
                key = "plain" if rater == Rater.CLIENT else "text"
                criteria.append(
                    {"criterion": criterion, "title": pick(criterion[key]), "names": names}
                )
            key = "plain" if rater == Rater.CLIENT else "text"
            self.groups.append(
                {
                    "theme": theme,
                    "name": pick(theme["name"]),
                    "text": pick(theme[key]),
                    "criteria": criteria,
                }
            )

    def ratings(self) -> dict:
        return {
            k: v
            for k, v in self.cleaned_data.items()
            if k != "about_close_one" and v not in (None, "")
        }

    def bound_groups(self):
        for group in self.groups:
            yield {
                **group,
                "criteria": [
                    {**c, "fields": [self[name] for name in c["names"]]} for c in group["criteria"]
                ],
            }

    def clean(self):
        data = super().clean()
        if not any(v not in (None, "") for k, v in data.items() if k != "about_close_one"):
            raise forms.ValidationError(_("Rate at least one statement."))
        return data


def _staff_membership(user):
    return next((m for m in user.active_memberships()), None)


def _rater_for(user, rater: str) -> bool:
    if rater == Rater.MANAGEMENT:
        return user.has_capability("sees_aggregates") and not user.has_capability(
            "pseudonymised_only"
        )
    if rater == Rater.PROFESSIONAL:
        return any(
            m.role.client_access != "none" or m.role.handles_referrals
            for m in user.active_memberships()
        )
    return False


@login_required
def quality_index(request):
    user = request.user
    if not user.active_memberships():
        raise PermissionDenied
    link = request.session.pop(LINK_KEY, None)
    return render(
        request,
        "casework/quality_index.html",
        {
            "can_professional": _rater_for(user, Rater.PROFESSIONAL),
            "can_management": _rater_for(user, Rater.MANAGEMENT),
            "can_link": _rater_for(user, Rater.PROFESSIONAL),
            "sees_results": sees_quality_results(user),
            "link": request.build_absolute_uri(reverse("casework:quality-client", args=[link]))
            if link
            else None,
        },
    )


@login_required
def quality_answer(request, rater):
    user = request.user
    if rater not in (Rater.PROFESSIONAL, Rater.MANAGEMENT):
        raise Http404
    if not _rater_for(user, rater):
        raise PermissionDenied
    membership = _staff_membership(user)
    form = QualityForm(request.POST if request.method == "POST" else None, rater=rater)
    if request.method == "POST" and form.is_valid():
        try:
            quality_actions.submit_answers(
                rater=rater,
                organisation=membership.organisation,
                unit=membership.unit,
                ratings=form.ratings(),
                by=user,
            )
        except CaseworkError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Thank you: your answers were saved."))
            return redirect("casework:quality")
    title = pick(content.quality()["raters"][rater]["title"])
    return render(
        request,
        "casework/quality_form.html",
        {"form": form, "rater": rater, "title": title, "public": False},
    )


@require_POST
@login_required
def quality_link(request):
    if not _rater_for(request.user, Rater.PROFESSIONAL):
        raise PermissionDenied
    membership = _staff_membership(request.user)
    token = quality_actions.create_invitation(
        by=request.user, organisation=membership.organisation, unit=membership.unit
    )
    request.session[LINK_KEY] = token
    return redirect("casework:quality")


@never_cache
def quality_client(request, token):
    """The client's questionnaire: public, no login, one answer per link."""
    invitation = quality_actions.invitation_for(token)
    if invitation is None:
        return render(request, "casework/quality_gone.html", status=410)
    form = QualityForm(request.POST if request.method == "POST" else None, rater=Rater.CLIENT)
    if request.method == "POST" and form.is_valid():
        try:
            quality_actions.submit_answers(
                rater=Rater.CLIENT,
                organisation=invitation.organisation,
                unit=invitation.unit,
                ratings=form.ratings(),
                invitation=invitation,
                about_close_one=form.cleaned_data.get("about_close_one", False),
            )
        except CaseworkError as exc:
            form.add_error(None, exc.message)
        else:
            return render(request, "casework/quality_thanks.html")
    texts = content.quality()["raters"]["client"]
    return render(
        request,
        "casework/quality_form.html",
        {
            "form": form,
            "rater": Rater.CLIENT,
            "title": pick(texts["title"]),
            "intro": pick(texts["intro"]),
            "public": True,
        },
    )


@login_required
def quality_results(request):
    """Mean rating per criterion and unit; a mean with fewer than KOHTAAMO_SMALL_NUMBER_K ratings
    behind it is hidden. No answer can be traced to a person."""
    user = request.user
    if not sees_quality_results(user):
        raise PermissionDenied
    org_ids = quality_org_ids(user)
    today = timezone.localdate()
    try:
        start = datetime.date.fromisoformat(request.GET.get("start", ""))
    except ValueError:
        start = today - datetime.timedelta(days=365)
    try:
        end = datetime.date.fromisoformat(request.GET.get("end", ""))
    except ValueError:
        end = today
    rater = request.GET.get("rater") or ""
    if rater and rater not in Rater.values:
        rater = ""
    data = quality_actions.results_by_unit(
        org_ids, start, end + datetime.timedelta(days=1), rater=rater or None
    )
    unit_ids = sorted({u for u, _c in data if u not in ("__all__", None)})
    units = {u.pk: u for u in Unit.objects.filter(pk__in=unit_ids)}
    columns = [(u, units[u].name) for u in unit_ids if u in units]
    if any(u is None for u, _c in data):
        columns.append((None, _("No unit")))
    columns.append(("__all__", _("All")))

    def cell(unit, criterion):
        total, n = data.get((unit, criterion), (0, 0))
        mean = quality_actions.shown_mean(total, n)
        return {"n": n, "mean": mean, "hidden": bool(n) and mean is None}

    rows = []
    for theme in content.themes():
        rows.append({"theme": pick(theme["name"]), "cells": None})
        for c in theme["criteria"]:
            rows.append(
                {
                    "number": c["number"],
                    "label": pick(c["text"]),
                    "cells": [cell(u, c["number"]) for u, _label in columns],
                }
            )
    totals = [cell(u, None) for u, _label in columns]
    from django.conf import settings

    return render(
        request,
        "casework/quality_results.html",
        {
            "columns": columns,
            "rows": rows,
            "totals": totals,
            "start": start,
            "end": end,
            "rater": rater,
            "raters": Rater.choices,
            "k": settings.SMALL_NUMBER_K,
        },
    )
