from django.urls import path

from sandbox import console, files, views

app_name = "sandbox"

urlpatterns = [
    path("api/businessbassapi/<str:name>", views.api_endpoint, name="api"),
    path("files/<bank_id:key>", files.stored_file, name="file"),
    path("mailbox.json", views.mailbox_json, name="mailbox-json"),
    path("mailbox/", views.mailbox, name="mailbox"),
    path("mailbox/<int:pk>/", views.mailbox_message, name="mailbox-message"),
    path("kyc/<bank_id:kyc_id>", views.director_kyc, name="director-kyc"),
    # The staff console (Django staff users only).
    path("console/", console.index, name="console"),
    path("console/login/", console.login_view, name="console-login"),
    path("console/logout/", console.logout_view, name="console-logout"),
    path("console/seed/", console.seed, name="console-seed"),
    path("console/reset/", console.reset, name="console-reset"),
    path("console/faults/", console.fault_set, name="console-fault-set"),
    path("console/faults/clear/", console.faults_clear, name="console-faults-clear"),
    path("console/faults/<int:pk>/clear/", console.fault_clear, name="console-fault-clear"),
    path("console/companies/<int:pk>/", console.company_detail, name="console-company"),
    path(
        "console/companies/<int:pk>/<slug:action>/",
        console.company_action,
        name="console-company-action",
    ),
]
