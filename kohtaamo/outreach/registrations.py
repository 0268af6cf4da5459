"""What outreach adds to shared pages: navigation and "my day". Registered from
OutreachConfig.ready()."""

from __future__ import annotations

import datetime

from django.db.models import Exists, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kohtaamo.core.myday import register
from kohtaamo.core.registry import nav_item
from kohtaamo.outreach.access import board_org_ids


def _uses_outreach(user) -> bool:
    """Cached on the user for the request: one small query on pages with the navigation."""
    if not hasattr(user, "_kohtaamo_outreach"):
        from django.contrib.auth import get_user_model

        from kohtaamo.outreach.models import OutreachPlace, Shift

        org_ids = board_org_ids(user)
        uses = Exists(Shift.objects.filter(Q(on_call=user) | Q(crew__user=user)))
        if org_ids:  # both questions in one query
            uses = Exists(OutreachPlace.objects.filter(place__organisation_id__in=org_ids)) | uses
        user._kohtaamo_outreach = get_user_model().objects.filter(uses, pk=user.pk).exists()
    return user._kohtaamo_outreach


nav_item(
    "outreach",
    label=_("Outreach"),
    url_name="outreach:home",
    order=60,
    visible=_uses_outreach,
)


@register("outreach-shifts", order=5, template="outreach/myday_shifts.html")
def my_shifts(request):
    """Today's shifts the user is on or on call for, and open safety alerts first."""
    from kohtaamo.outreach.models import SafetyAlert, Shift

    user = request.user
    now = timezone.now()
    shifts = list(
        Shift.objects.filter(Q(crew__user=user) | Q(on_call=user))
        .filter(
            Q(status=Shift.Status.ACTIVE)
            | Q(status=Shift.Status.PLANNED, planned_start__date__lte=timezone.localdate())
        )
        .exclude(planned_end__lt=now - datetime.timedelta(hours=12), status=Shift.Status.PLANNED)
        .select_related("team")
        .distinct()
        .order_by("planned_start")[:10]
    )
    alerts = SafetyAlert.objects.open().filter(shift__on_call=user).count()
    if not shifts and not alerts:
        return None
    return {"shifts": shifts, "open_alerts": alerts, "user_id": user.pk}
