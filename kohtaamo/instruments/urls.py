from django.urls import path

from kohtaamo.instruments import views

app_name = "instruments"
urlpatterns = [
    path("", views.instrument_list, name="list"),
    path("results/<uuid:code>/", views.result_detail, name="result"),
    path("<slug:key>/", views.fill, name="fill"),
]
