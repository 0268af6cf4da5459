from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from kohtaamo.api.api import api
from kohtaamo.core import views as core_views

admin.site.site_header = settings.ADMIN_SITE_HEADER

urlpatterns = [
    path("", core_views.my_day, name="home"),
    path("", include("kohtaamo.core.urls")),
    path("healthz", core_views.healthz, name="healthz"),
    path("livez", core_views.livez, name="livez"),
    path("accounts/", include("kohtaamo.accounts.urls")),
    path("people/", include("kohtaamo.people.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]

urlpatterns += [
    path("desk/", include("kohtaamo.encounters.urls")),
    path("instruments/", include("kohtaamo.instruments.urls")),
    path("directory/", include("kohtaamo.directory.urls")),
    path("referrals/", include("kohtaamo.referrals.urls")),
    path("casework/", include("kohtaamo.casework.urls")),
    path("groups/", include("kohtaamo.groupwork.urls")),
    path("outreach/", include("kohtaamo.outreach.urls")),
    path("evaluation/", include("kohtaamo.evaluation.urls")),
    # The public client side (no login): service finder, chat, ask for help, feedback.
    path("palvelut/", include("kohtaamo.channel.urls")),
]

handler403 = "kohtaamo.core.views.error_403"
handler404 = "kohtaamo.core.views.error_404"
handler500 = "kohtaamo.core.views.error_500"
