from django.urls import path

from kohtaamo.directory import views

app_name = "directory"
urlpatterns = [
    path("", views.directory_home, name="home"),
    path("stale/", views.stale_list, name="stale"),
    path("services/<uuid:hsds_id>/", views.service_detail, name="service"),
    path("services/<uuid:hsds_id>/edit/", views.service_edit, name="service-edit"),
    path("services/<uuid:hsds_id>/verify/", views.service_verify, name="service-verify"),
]
