"""How each endpoint of the API reference is called.

One row per endpoint of `docs/codego-api/endpoints.json`: the content type of
its curl example, whether it needs the session (`web_token` + `user_id`),
whether its table lists `apikey`, and whether it only reads (safe to retry).
"""

from __future__ import annotations

from dataclasses import dataclass

JSON = "application/json"
TEXT = "text/plain"  # JSON sent as text/plain, as six curl examples do
MULTIPART = "multipart/form-data"


@dataclass(frozen=True)
class EndpointSpec:
    name: str
    content_type: str
    session: bool
    apikey: bool = False
    read_only: bool = False


def _spec(
    name: str,
    content_type: str = JSON,
    *,
    session: bool = False,
    apikey: bool = False,
    read_only: bool = False,
) -> EndpointSpec:
    return EndpointSpec(name, content_type, session, apikey, read_only)


SPECS: dict[str, EndpointSpec] = {
    spec.name: spec
    for spec in [
        _spec("configSetting", read_only=True),
        _spec("posPlan", read_only=True),
        _spec("getCountriesList", read_only=True),
        _spec("getPhoneCode", read_only=True),
        _spec("getindustries", read_only=True),
        _spec("getCompanySizesList", read_only=True),
        _spec("getCompanyLegalFormsList", read_only=True),
        _spec("getRole", read_only=True),
        _spec("getSourcefund", TEXT, read_only=True),
        _spec("getPlan", read_only=True),
        _spec("verifygooglecaptcha", TEXT),
        _spec("openAccount"),
        _spec("verifyemailotp"),
        _spec("login"),
        _spec("verifyLogin"),
        _spec("updatecompanydetails", session=True),
        _spec("uploadCompanyDocument", MULTIPART, session=True),
        _spec("getCompanyDocumentStatus", session=True, apikey=True, read_only=True),
        _spec("getCompanyStatus", session=True, apikey=True, read_only=True),
        _spec("addcompanydirector", session=True),
        _spec("sendkyclink", session=True),
        _spec("uploadadditionaldoc", MULTIPART, session=True, apikey=True),
        _spec("dashboard", session=True, apikey=True, read_only=True),
        _spec("profile_details", session=True, read_only=True),
        _spec("iban_list", session=True, read_only=True),
        _spec("createIban", session=True),
        _spec("addbeneficary", MULTIPART, session=True, apikey=True),
        _spec("beneficiaries_list", session=True, read_only=True),
        _spec("beneficiaries_delete", session=True),
        _spec("iban_sendmoney", session=True),
        _spec("iban_confirmotp", session=True),
        _spec("iban_transaction", TEXT, session=True, apikey=True, read_only=True),
        _spec("iban_transaction_detail", TEXT, session=True, apikey=True, read_only=True),
        _spec("iban_uploadtrxdoc", MULTIPART, session=True, apikey=True),
        # Emails the invoice: not read-only, a retry would send it twice.
        _spec("downloadinvoice", TEXT, session=True, apikey=True),
        _spec("bankstatement", TEXT, session=True),
        _spec("getAllwallet", session=True, apikey=True, read_only=True),
        _spec("getTrxlastest", session=True, apikey=True, read_only=True),
        _spec("crypto_wallet", session=True, apikey=True, read_only=True),
        _spec("getTrxcoin", session=True, apikey=True, read_only=True),
        _spec("getSelectPlan", session=True, apikey=True, read_only=True),
        _spec("notification", session=True, read_only=True),
        _spec("updateUserLive", session=True),
        _spec("ibanacceptrejectplan"),
        _spec("forgotpassword"),
        _spec("resetpassword"),
        _spec("logout", session=True),
    ]
}
