from django.urls import path

from kohtaamo.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("mfa/", views.mfa_view, name="mfa"),
    path("sessions/end-all/", views.end_all_sessions, name="end-all-sessions"),
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<uuid:code>/revoke/", views.revoke_token, name="token-revoke"),
    path("profile/", views.profile, name="profile"),
]
