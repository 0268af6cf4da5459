app_name = "channel"
urlpatterns: list = []
