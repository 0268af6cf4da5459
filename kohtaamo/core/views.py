from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from kohtaamo.core import myday


@never_cache
def livez(request):
    """Liveness: the process answers. No database, no session; for a load balancer's probe."""
    return JsonResponse({"status": "ok"})


@never_cache
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@login_required
def my_day(request):
    sections = myday.sections_for(request)
    return render(
        request, "core/my_day.html", {"sections": sections, "today": timezone.localdate()}
    )


def accessibility_statement(request):
    return render(request, "core/accessibility.html")


def error_404(request, exception=None):
    return render(request, "404.html", status=404)


def error_403(request, exception=None):
    return render(request, "403.html", status=403)


def error_500(request):
    return render(request, "500.html", status=500)
