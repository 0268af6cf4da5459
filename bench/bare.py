"""The reference: a bare Django view returning "ok", with no middleware, served the same way."""

from django.conf import settings

settings.configure(
    DEBUG=False,
    SECRET_KEY="bench-only-not-a-secret",  # noqa: S106
    ROOT_URLCONF=__name__,
    ALLOWED_HOSTS=["127.0.0.1"],
    MIDDLEWARE=[],
)

from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.urls import path  # noqa: E402


def ok(request):
    return HttpResponse("ok")


urlpatterns = [path("", ok), path("healthz", ok)]
application = get_wsgi_application()
