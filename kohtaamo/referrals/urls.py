from django.urls import path

from kohtaamo.referrals import views

app_name = "referrals"
urlpatterns = [
    path("", views.referral_list, name="list"),
    path("new/", views.referral_new, name="new"),
    path("figures/", views.figures, name="figures"),
    path("paths/", views.path_list, name="paths"),
    path("paths/new/", views.path_new, name="path-new"),
    path("paths/<uuid:code>/", views.path_detail, name="path"),
    path("paths/<uuid:code>/edit/", views.path_edit, name="path-edit"),
    path("tasks/<int:pk>/done/", views.task_done, name="task-done"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("<uuid:code>/", views.referral_detail, name="detail"),
    path("<uuid:code>/status/", views.referral_status, name="status"),
    path("<uuid:code>/handoff/", views.referral_handoff, name="handoff"),
    path("<uuid:code>/link/", views.referral_link, name="link"),
]
