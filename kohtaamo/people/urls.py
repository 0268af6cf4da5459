from django.urls import path

from kohtaamo.people import consent_views, views

app_name = "people"
urlpatterns = [
    path("", views.person_list, name="list"),
    path("add/", views.person_add, name="add"),
    path("<uuid:code>/", views.person_detail, name="detail"),
    path("<uuid:code>/edit/", views.person_edit, name="edit"),
    path("<uuid:code>/identity-code/", views.person_reveal_hetu, name="reveal-hetu"),
    path("<uuid:code>/access-log/", views.person_access_report, name="access-report"),
    path(
        "consents/<uuid:code>/withdraw/",
        consent_views.consent_withdraw,
        name="consent-withdraw",
    ),
]
