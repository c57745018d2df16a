"""How each endpoint of the API reference is called: the one list of endpoints.

One row per endpoint of `docs/codego-api/endpoints.json`: the `CodegoClient`
method that calls it, the content type of its curl example, whether it needs
the session (`web_token` + `user_id`), whether its table lists `apikey`,
whether it only reads (safe to retry), and for the public reference lists the
name `codego.reference` caches it under.
"""

from __future__ import annotations

from dataclasses import dataclass

JSON = "application/json"
TEXT = "text/plain"  # JSON sent as text/plain, as six curl examples do
MULTIPART = "multipart/form-data"


@dataclass(frozen=True)
class EndpointSpec:
    name: str
    method: str
    content_type: str
    session: bool
    apikey: bool = False
    read_only: bool = False
    reference: str = ""


def _spec(
    name: str,
    method: str,
    content_type: str = JSON,
    *,
    session: bool = False,
    apikey: bool = False,
    read_only: bool = False,
    reference: str = "",
) -> EndpointSpec:
    return EndpointSpec(name, method, content_type, session, apikey, read_only, reference)


SPECS: dict[str, EndpointSpec] = {
    spec.name: spec
    for spec in [
        _spec("configSetting", "config_setting", read_only=True, reference="brand"),
        _spec("posPlan", "pos_plan", read_only=True, reference="pos_plan"),
        _spec("getCountriesList", "get_countries_list", read_only=True, reference="countries"),
        _spec("getPhoneCode", "get_phone_code", read_only=True, reference="phone_codes"),
        _spec("getindustries", "get_industries", read_only=True, reference="industries"),
        _spec(
            "getCompanySizesList",
            "get_company_sizes_list",
            read_only=True,
            reference="company_sizes",
        ),
        _spec(
            "getCompanyLegalFormsList",
            "get_company_legal_forms_list",
            read_only=True,
            reference="legal_forms",
        ),
        _spec("getRole", "get_role", read_only=True, reference="roles"),
        _spec(
            "getSourcefund", "get_source_fund", TEXT, read_only=True, reference="source_of_funds"
        ),
        _spec("getPlan", "get_plan", read_only=True, reference="plans"),
        _spec("verifygooglecaptcha", "verify_google_captcha", TEXT),
        _spec("openAccount", "open_account"),
        _spec("verifyemailotp", "verify_email_otp"),
        _spec("login", "login"),
        _spec("verifyLogin", "verify_login"),
        _spec("updatecompanydetails", "update_company_details", session=True),
        _spec("uploadCompanyDocument", "upload_company_document", MULTIPART, session=True),
        _spec(
            "getCompanyDocumentStatus",
            "get_company_document_status",
            session=True,
            apikey=True,
            read_only=True,
        ),
        _spec("getCompanyStatus", "get_company_status", session=True, apikey=True, read_only=True),
        _spec("addcompanydirector", "add_company_director", session=True),
        _spec("sendkyclink", "send_kyc_link", session=True),
        _spec("uploadadditionaldoc", "upload_additional_doc", MULTIPART, session=True, apikey=True),
        _spec("dashboard", "dashboard", session=True, apikey=True, read_only=True),
        _spec("profile_details", "profile_details", session=True, read_only=True),
        _spec("iban_list", "iban_list", session=True, read_only=True),
        _spec("createIban", "create_iban", session=True),
        _spec("addbeneficary", "add_beneficiary", MULTIPART, session=True, apikey=True),
        _spec("beneficiaries_list", "beneficiaries_list", session=True, read_only=True),
        _spec("beneficiaries_delete", "beneficiaries_delete", session=True),
        _spec("iban_sendmoney", "iban_send_money", session=True),
        _spec("iban_confirmotp", "iban_confirm_otp", session=True),
        _spec(
            "iban_transaction", "iban_transaction", TEXT, session=True, apikey=True, read_only=True
        ),
        _spec(
            "iban_transaction_detail",
            "iban_transaction_detail",
            TEXT,
            session=True,
            apikey=True,
            read_only=True,
        ),
        _spec("iban_uploadtrxdoc", "iban_upload_trx_doc", MULTIPART, session=True, apikey=True),
        # Emails the invoice: not read-only, a retry would send it twice.
        _spec("downloadinvoice", "download_invoice", TEXT, session=True, apikey=True),
        _spec("bankstatement", "bank_statement", TEXT, session=True),
        _spec("getAllwallet", "get_all_wallet", session=True, apikey=True, read_only=True),
        _spec("getTrxlastest", "get_trx_latest", session=True, apikey=True, read_only=True),
        _spec("crypto_wallet", "crypto_wallet", session=True, apikey=True, read_only=True),
        _spec("getTrxcoin", "get_trx_coin", session=True, apikey=True, read_only=True),
        _spec("getSelectPlan", "get_select_plan", session=True, apikey=True, read_only=True),
        _spec("notification", "notification", session=True, read_only=True),
        _spec("updateUserLive", "update_user_live", session=True),
        _spec("ibanacceptrejectplan", "iban_accept_reject_plan"),
        _spec("forgotpassword", "forgot_password"),
        _spec("resetpassword", "reset_password"),
        _spec("logout", "logout", session=True),
    ]
}
