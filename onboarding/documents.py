"""Onboarding documents: the three company documents and the additional ones compliance asks for.

`company_documents` shows each document of uploadCompanyDocument with its state
from getCompanyDocumentStatus and asks only for the missing or rejected ones.
`additional_documents` lists getCompanyStatus `additional_documents` and offers
one uploadadditionaldoc form per document to upload (status 0) or rejected (3).

Files are checked here first (`portal.uploads`: type by content, size, not
empty); when one is refused nothing goes to the bank. The bank's refusals
(`ApiError`) are shown next to the form; other failures propagate to
`portal.middleware`. htmx requests get the form fragment back, or a client
redirect after success.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from codego import types as t
from codego.client import get_client
from codego.errors import ApiError
from codego.transport import Credentials
from portal import session as portal_session
from portal.session import signed_in_required
from portal.uploads import limit_uploads

from .document_forms import (
    COMPANY_DOCUMENT_FIELDS,
    COMPANY_DOCUMENTS,
    AdditionalDocumentForm,
    CompanyDocumentsForm,
)

COMPANY_TEMPLATE = "onboarding/documents/company_documents.html"
ADDITIONAL_TEMPLATE = "onboarding/documents/additional_documents.html"

# getCompanyDocumentStatus, per document: 0 under review, 1 verified, 2 rejected.
DOC_REVIEW, DOC_VERIFIED, DOC_REJECTED = 0, 1, 2
# uploadadditionaldoc / getCompanyStatus: 0 to upload, 1 under review, 2 verified, 3 rejected.
ADD_TO_UPLOAD, ADD_REVIEW, ADD_VERIFIED, ADD_REJECTED = 0, 1, 2, 3


@dataclass(frozen=True)
class DocumentState:
    """One company document as the page shows it."""

    field: str
    label: str
    state: str  # "missing", "review", "verified" or "rejected": a CSS/state key
    state_label: str
    rejection_reason: str = ""

    @property
    def needed(self) -> bool:
        return self.state in ("missing", "rejected")


def _state_labels() -> dict[str, str]:
    return {
        "missing": _("To upload"),
        "review": _("Under review"),
        "verified": _("Verified"),
        "rejected": _("Rejected"),
    }


def _credentials(request: HttpRequest) -> Credentials:
    session = portal_session.credentials(request)
    assert session is not None  # signed_in_required
    return session


def _onboarding_url() -> str:
    return reverse("kyc-overview")


def _render(
    request: HttpRequest, template: str, context: dict[str, Any], partial: str = "form"
) -> HttpResponse:
    """The whole page, or only the named fragment for an htmx request."""
    name = f"{template}#{partial}" if getattr(request, "htmx", False) else template
    return render(request, name, context)


# ---------------------------------------------------------------------------
# Company documents: getCompanyDocumentStatus, then uploadCompanyDocument
# ---------------------------------------------------------------------------


def company_document_states(status: t.CompanyDocumentStatus) -> list[DocumentState]:
    by_kind = {document.kind.lower(): document for document in status.documents}
    labels = _state_labels()
    states = []
    for document in COMPANY_DOCUMENTS:
        found = by_kind.get(document.kind)
        if found is None:
            state = "missing"
        elif found.status == DOC_REJECTED:
            state = "rejected"
        elif found.status == DOC_VERIFIED:
            state = "verified"
        else:
            state = "review"
        states.append(
            DocumentState(
                field=document.field,
                label=str(document.label),
                state=state,
                state_label=labels[state],
                rejection_reason=found.rejection_reason if state == "rejected" and found else "",
            )
        )
    return states


def _rejection_notes(states: list[DocumentState]) -> dict[str, str]:
    notes = {}
    for state in states:
        if state.state != "rejected":
            continue
        if state.rejection_reason:
            notes[state.field] = _("Rejected: %(reason)s. Upload a new file.") % {
                "reason": state.rejection_reason.rstrip(".")
            }
        else:
            notes[state.field] = _("Rejected. Upload a new file.")
    return notes


@limit_uploads()
@signed_in_required
@require_http_methods(["GET", "POST"])
def company_documents(request: HttpRequest) -> HttpResponse:
    session = _credentials(request)
    client = get_client()
    states = company_document_states(client.get_company_document_status(session))
    needed = [state.field for state in states if state.needed]
    notes = _rejection_notes(states)
    if request.method == "POST" and needed:
        form = CompanyDocumentsForm(request.POST, request.FILES, needed=needed, notes=notes)
    else:
        form = CompanyDocumentsForm(needed=needed, notes=notes)
    context: dict[str, Any] = {"form": form, "documents": states, "needed": needed}

    if request.method == "POST" and needed:
        if form.is_valid():
            uploads = {
                name: form.cleaned_data[name].as_upload() if name in needed else None
                for name in COMPANY_DOCUMENT_FIELDS
            }
            try:
                # After a rejection only the rejected files are sent; the client
                # leaves the others (None) out.
                client.upload_company_document(session, **uploads)
            except ApiError as error:
                form.add_error(None, error.user_message)
            else:
                if len(needed) == 1:
                    text = _("Your document was uploaded. The bank is reviewing it.")
                else:
                    text = _("Your documents were uploaded. The bank is reviewing them.")
                messages.success(request, text)
                return portal_session.redirect(request, _onboarding_url())
        else:
            lost = form.lost_files()
            refused = [name for name in form.fields if name in form.errors]
            summary = _("Nothing was sent to the bank. See the message next to: %(refused)s.") % {
                "refused": ", ".join(form.labels(refused))
            }
            if lost:
                summary += " " + _(
                    "Your browser cannot keep the files you chose, so choose these again "
                    "too: %(lost)s."
                ) % {"lost": ", ".join(form.labels(lost))}
            form.add_error(None, summary)
    elif request.method == "POST":
        # Nothing is missing any more (another tab uploaded them): show the summary.
        return portal_session.redirect(request, reverse("kyc-documents"))
    return _render(request, COMPANY_TEMPLATE, context)


# ---------------------------------------------------------------------------
# Additional documents: getCompanyStatus, then uploadadditionaldoc
# ---------------------------------------------------------------------------


@dataclass
class AdditionalItem:
    document: t.AdditionalDocument
    state: str
    state_label: str
    form: AdditionalDocumentForm | None = None


def _additional_items(status: t.CompanyStatus) -> list[AdditionalItem]:
    labels = {
        ADD_TO_UPLOAD: ("missing", _("To upload")),
        ADD_REVIEW: ("review", _("Under review")),
        ADD_VERIFIED: ("verified", _("Verified")),
        ADD_REJECTED: ("rejected", _("Rejected")),
    }
    items = []
    for document in status.additional_documents:
        state, label = labels.get(document.status, ("missing", _("To upload")))
        form = None
        if document.needs_upload:
            form = AdditionalDocumentForm(unique_id=document.unique_id, title=document.title)
        items.append(AdditionalItem(document=document, state=state, state_label=label, form=form))
    return items


@limit_uploads()
@signed_in_required
@require_http_methods(["GET", "POST"])
def additional_documents(request: HttpRequest) -> HttpResponse:
    session = _credentials(request)
    client = get_client()
    items = _additional_items(client.get_company_status(session))
    to_upload = [item for item in items if item.form is not None]
    context: dict[str, Any] = {"items": items, "to_upload": to_upload}

    if request.method == "POST":
        unique_id = str(request.POST.get("unique_id", "")).strip()
        item = next((i for i in to_upload if i.document.unique_id == unique_id), None)
        if item is None:
            messages.info(request, _("This document is not waiting for an upload any more."))
            return portal_session.redirect(request, reverse("kyc-additional"))
        form = AdditionalDocumentForm(
            request.POST, request.FILES, unique_id=unique_id, title=item.document.title
        )
        item.form = form
        if form.is_valid():
            try:
                client.upload_additional_doc(
                    session,
                    unique_id=unique_id,
                    addition_doc=form.cleaned_data["addition_doc"].as_upload(),
                )
            except ApiError as error:
                form.add_error(None, error.user_message)
            else:
                messages.success(
                    request,
                    _("“%(title)s” was uploaded. The bank is reviewing it.")
                    % {"title": item.document.title or _("Your document")},
                )
                more = len(to_upload) > 1
                url = reverse("kyc-additional") if more else _onboarding_url()
                return portal_session.redirect(request, url)
        if getattr(request, "htmx", False):
            return render(request, f"{ADDITIONAL_TEMPLATE}#document-form", {"item": item})
    return _render(request, ADDITIONAL_TEMPLATE, context)
