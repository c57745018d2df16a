"""The KYC wizard (onboarding/kyc.py). Names are global: reverse("kyc-overview")."""

from django.urls import path

from onboarding import kyc

urlpatterns = [
    path("onboarding/", kyc.overview, name="kyc-overview"),
    path("onboarding/company/", kyc.company, name="kyc-company"),
    path("onboarding/directors/", kyc.directors, name="kyc-directors"),
    path("onboarding/directors/resend/", kyc.resend_kyc_link, name="kyc-director-resend"),
    path("onboarding/plan/", kyc.plan, name="kyc-plan"),
    path("plan/respond/", kyc.plan_respond, name="plan-respond"),
]
