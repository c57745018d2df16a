from django.urls import path

from onboarding import documents

urlpatterns = [
    path("onboarding/documents/", documents.company_documents, name="kyc-documents"),
    path("onboarding/additional-documents/", documents.additional_documents, name="kyc-additional"),
]
