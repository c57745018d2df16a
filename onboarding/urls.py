"""The onboarding app's one URL map, under the `onboarding:` namespace."""

from django.conf import settings
from django.urls import path

from onboarding import documents, kyc, views

app_name = "onboarding"

urlpatterns = [
    # -- sign-up, sign-in, password reset, sign-out ----------------------------
    path("", views.home, name="home"),
    path("signup/", views.signup, name="signup"),
    path("signup/verify/", views.signup_verify, name="signup-verify"),
    path("login/", views.login, name="login"),
    path("login/verify/", views.login_verify, name="login-verify"),
    path("login/resend/", views.login_resend, name="login-resend"),
    path("password/forgot/", views.password_forgot, name="password-forgot"),
    path("password/reset/", views.password_reset, name="password-reset"),
    path("logout/", views.logout, name="logout"),
    # -- the KYC wizard ---------------------------------------------------------
    path("onboarding/", kyc.overview, name="overview"),
    path("onboarding/company/", kyc.company, name="company"),
    path("onboarding/documents/", documents.company_documents, name="documents"),
    path(
        "onboarding/additional-documents/",
        documents.additional_documents,
        name="additional-documents",
    ),
    path("onboarding/directors/", kyc.directors, name="directors"),
    path("onboarding/directors/resend/", kyc.resend_kyc_link, name="director-resend"),
    path("onboarding/plan/", kyc.plan, name="plan"),
    # The link of the plan offer email, signed in or not.
    path("plan/respond/", kyc.plan_respond, name="plan-respond"),
]

if settings.SANDBOX_ENABLED:
    from onboarding import visitor_demo

    # The public demo's "Try the demo" (a company of the visitor's own).
    urlpatterns.append(path("demo/start/", visitor_demo.start, name="demo-start"))
