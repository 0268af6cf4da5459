from django.urls import path

from kohtaamo.core import views

app_name = "core"
urlpatterns = [
    path("my-day/", views.my_day, name="my-day"),
    path("accessibility/", views.accessibility_statement, name="accessibility"),
]
