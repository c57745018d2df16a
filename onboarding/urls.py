from django.urls import path

from onboarding import views
from portal import session

app_name = "onboarding"

urlpatterns = [
    path("", views.home, name="home"),
    path("signup/", views.signup, name="signup"),
    path("signup/verify/", views.signup_verify, name="signup-verify"),
    path("login/", views.login, name="login"),
    path("login/verify/", views.login_verify, name="login-verify"),
    path("login/resend/", views.login_resend, name="login-resend"),
    path("password/forgot/", views.password_forgot, name="password-forgot"),
    path("password/reset/", views.password_reset, name="password-reset"),
    path("logout/", views.logout, name="logout"),
    # Session machinery used by base.html on every signed-in page.
    path("heartbeat/", session.heartbeat, name="heartbeat"),
    path("session/keep-alive/", session.keep_alive, name="keep-alive"),
]
