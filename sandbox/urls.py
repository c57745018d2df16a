from django.urls import path

from sandbox import views

app_name = "sandbox"

urlpatterns = [
    path("api/businessbassapi/<str:name>", views.api_endpoint, name="api"),
    path("mailbox.json", views.mailbox_json, name="mailbox-json"),
]
