app_name = "encounters"
urlpatterns: list = []
