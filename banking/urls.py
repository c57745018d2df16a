"""The banking app's one URL map, under the `banking:` namespace."""

from django.urls import path

from banking import (
    accounts,
    beneficiaries,
    cards,
    notifications,
    payments,
    profile,
    statements,
    transaction_export,
    transactions,
    views,
)

app_name = "banking"

urlpatterns = [
    # -- money out: dashboard, accounts, beneficiaries, payments ---------------
    path("dashboard/", views.dashboard, name="dashboard"),
    path("accounts/", accounts.accounts, name="accounts"),
    path("accounts/new/", accounts.account_new, name="account-new"),
    path("beneficiaries/", beneficiaries.beneficiaries, name="beneficiaries"),
    path("beneficiaries/new/", beneficiaries.beneficiary_new, name="beneficiary-new"),
    path("beneficiaries/iban-check/", beneficiaries.iban_check, name="iban-check"),
    path(
        "beneficiaries/<bank_id:beneficiaries_id>/delete/",
        beneficiaries.beneficiary_delete,
        name="beneficiary-delete",
    ),
    path("payments/new/", payments.payment_new, name="payment-new"),
    path("payments/<bank_id:key>/review/", payments.payment_review, name="payment-review"),
    path("payments/<bank_id:unique_id>/confirm/", payments.payment_confirm, name="payment-confirm"),
    path("payments/<bank_id:unique_id>/resend/", payments.payment_resend, name="payment-resend"),
    # -- history and papers: transactions, statements, notifications, profile, cards
    path("transactions/", transactions.transaction_list, name="transactions"),
    path(
        "transactions/export.csv",
        transaction_export.transactions_export,
        name="transactions-export",
    ),
    path("transactions/<bank_id:unique_id>/", transactions.transaction_detail, name="transaction"),
    path(
        "transactions/<bank_id:unique_id>/document/",
        transactions.transaction_document,
        name="transaction-document",
    ),
    path(
        "transactions/<bank_id:unique_id>/invoice/",
        transactions.transaction_invoice,
        name="transaction-invoice",
    ),
    path(
        "transactions/<bank_id:unique_id>/receipt/",
        transactions.transaction_receipt,
        name="transaction-receipt",
    ),
    path(
        "transactions/<bank_id:unique_id>/receipt.pdf",
        transactions.transaction_receipt_pdf,
        name="transaction-receipt-pdf",
    ),
    path("statements/", statements.statements, name="statements"),
    path("statements/print/", statements.statement_print, name="statement-print"),
    path("statements/export/", statements.statement_export, name="statement-export"),
    path("statements/export/<slug:token>/", statements.statement_ready, name="statement-ready"),
    path("notifications/", notifications.notifications, name="notifications"),
    path("profile/", profile.profile, name="profile"),
    path("cards/", cards.cards, name="cards"),
]
