from django.conf import settings


def kohtaamo(request):
    return {"DEBUG_BANNER": settings.DEBUG, "SITE_URL": settings.SITE_URL}
