from django.urls import path

from kohtaamo.groupwork import views

app_name = "groupwork"
urlpatterns = [
    path("", views.group_list, name="list"),
    path("new/", views.group_new, name="new"),
    path("<uuid:code>/", views.group_detail, name="detail"),
    path("<uuid:code>/leaders/add/", views.leader_add, name="leader-add"),
    path("<uuid:code>/members/add/", views.member_add, name="member-add"),
    path("<uuid:code>/members/<uuid:member>/remove/", views.member_remove, name="member-remove"),
    path("<uuid:code>/meetings/new/", views.meeting_new, name="meeting-new"),
    path("<uuid:code>/change/", views.group_change, name="change"),
    path("meetings/<uuid:code>/", views.meeting_detail, name="meeting"),
]
