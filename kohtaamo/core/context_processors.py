from django.conf import settings
from django.utils.functional import SimpleLazyObject

from kohtaamo.core.registry import nav_for


def kohtaamo(request):
    user = getattr(request, "user", None)
    return {
        "DEBUG_BANNER": settings.DEBUG,
        "SITE_URL": settings.SITE_URL,
        "nav_items": SimpleLazyObject(lambda: nav_for(user) if user is not None else []),
    }
