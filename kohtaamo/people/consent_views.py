from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kohtaamo.audit.actions import Actor
from kohtaamo.people.access import get_consent_for_user
from kohtaamo.people.consent_actions import withdraw_consent


@require_POST
@login_required
def consent_withdraw(request, code):
    consent = get_consent_for_user(request.user, code, write=True)
    withdraw_consent(Actor.from_request(request), consent, by=request.user)
    messages.success(request, _("The consent was marked as withdrawn."))
    return redirect(consent.person)
