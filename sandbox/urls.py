from django.urls import path

from sandbox import files, views

app_name = "sandbox"

urlpatterns = [
    path("api/businessbassapi/<str:name>", views.api_endpoint, name="api"),
    path("files/<str:key>", files.stored_file, name="file"),
    path("mailbox.json", views.mailbox_json, name="mailbox-json"),
    path("mailbox/", views.mailbox, name="mailbox"),
    path("mailbox/<int:pk>/", views.mailbox_message, name="mailbox-message"),
]
