"""Onboarding documents: the three company documents and the additional ones compliance asks for.

`company_documents` shows each document of uploadCompanyDocument with its state
from getCompanyDocumentStatus and asks only for the missing or rejected ones.
`additional_documents` lists getCompanyStatus `additional_documents` and offers
one uploadadditionaldoc form per document to upload or rejected.

Files are checked here first (`portal.uploads`: type by content, size, not
empty); when one is refused nothing goes to the bank. When the bank refuses or
cannot take the upload, the form comes back saying so and naming the files to
choose again (browsers cannot keep them). htmx requests get the form fragment
back, or a client redirect after success.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from codego import types as t
from codego.client import get_client
from codego.errors import CodegoError, SessionExpired
from portal import session as portal_session
from portal import states, texts
from portal.pages import Company, render_page, send_form, signed_in_view
from portal.states import State
from portal.uploads import limit_uploads

from .document_forms import (
    COMPANY_DOCUMENT_FIELDS,
    COMPANY_DOCUMENTS,
    AdditionalDocumentForm,
    CompanyDocumentsForm,
)

T = TypeVar("T")

COMPANY_TEMPLATE = "onboarding/documents/company_documents.html"
ADDITIONAL_TEMPLATE = "onboarding/documents/additional_documents.html"


@dataclass(frozen=True)
class DocumentLine:
    """One company document as the page shows it."""

    field: str
    label: str
    state: State
    rejection_reason: str = ""

    @property
    def needed(self) -> bool:
        return self.state.needs_action


# ---------------------------------------------------------------------------
# Company documents: getCompanyDocumentStatus, then uploadCompanyDocument
# ---------------------------------------------------------------------------


def company_document_states(status: t.CompanyDocumentStatus) -> list[DocumentLine]:
    by_kind = {document.kind.lower(): document for document in status.documents}
    lines = []
    for document in COMPANY_DOCUMENTS:
        found = by_kind.get(document.kind)
        state = states.of_document(found.status if found else None)
        lines.append(
            DocumentLine(
                field=document.field,
                label=str(document.label),
                state=state,
                rejection_reason=found.rejection_reason if found and found.rejected else "",
            )
        )
    return lines


def _rejection_notes(lines: list[DocumentLine]) -> dict[str, str]:
    notes = {}
    for line in lines:
        if line.state is not states.REJECTED:
            continue
        if line.rejection_reason:
            notes[line.field] = _("Rejected: %(reason)s. Upload a new file.") % {
                "reason": line.rejection_reason.rstrip(".")
            }
        else:
            notes[line.field] = _("Rejected. Upload a new file.")
    return notes


def _refused_summary(form: CompanyDocumentsForm) -> str:
    """Top of a form whose files the portal refused: what to fix, what to choose again."""
    lost = form.lost_files()
    refused = [name for name in form.fields if name in form.errors]
    summary = _("Nothing was sent to the bank. See the message next to: %(refused)s.") % {
        "refused": ", ".join(form.labels(refused))
    }
    if lost:
        summary += " " + _(
            "Your browser cannot keep the files you chose, so choose these again too: %(lost)s."
        ) % {"lost": ", ".join(form.labels(lost))}
    return summary


def _read_first(
    request: HttpRequest, read: Callable[[], T], not_sent: Callable[[HttpRequest], HttpResponse]
) -> T | HttpResponse:
    """The page's read before an upload; when the bank fails it while files are sent,
    `not_sent` answers (the form again, asking for the files again). Without files
    sent, the outage is the page's (the middleware's 503 page)."""
    try:
        return read()
    except SessionExpired:
        raise
    except CodegoError:
        if request.method != "POST":
            raise
        return not_sent(request)


def _documents_not_sent(request: HttpRequest) -> HttpResponse:
    """The bank failed before the files could be sent: the form again, asking for them again.

    Which documents are still needed is unknown: those the form sent are asked for.
    """
    needed = [name for name in COMPANY_DOCUMENT_FIELDS if name in request.FILES]
    needed = needed or list(COMPANY_DOCUMENT_FIELDS)
    form = CompanyDocumentsForm(request.POST, request.FILES, needed=needed)
    form.is_valid()
    form.add_error(None, str(texts.FILES_NOT_SENT))
    form.files_not_sent()
    context = {"form": form, "documents": [], "needed": needed}
    return render_page(request, COMPANY_TEMPLATE, context, fragment="form")


@limit_uploads()
@signed_in_view()
@require_http_methods(["GET", "HEAD", "POST"])
def company_documents(request: HttpRequest, company: Company) -> HttpResponse:
    client = get_client()
    lines = _read_first(
        request,
        lambda: company_document_states(client.get_company_document_status(company.credentials)),
        _documents_not_sent,
    )
    if isinstance(lines, HttpResponse):
        return lines
    needed = [line.field for line in lines if line.needed]
    if request.method == "POST" and not needed:
        # Nothing is missing any more (another tab uploaded them): show the summary.
        return portal_session.redirect(request, reverse("onboarding:documents"))
    notes = _rejection_notes(lines)
    if request.method == "POST":
        form = CompanyDocumentsForm(request.POST, request.FILES, needed=needed, notes=notes)
    else:
        form = CompanyDocumentsForm(needed=needed, notes=notes)

    if request.method == "POST" and not form.is_valid():
        form.add_error(None, _refused_summary(form))
    elif request.method == "POST":
        # After a rejection only the rejected files are sent; the client
        # leaves the others (None) out.
        uploads = {
            name: form.cleaned_data[name].as_upload() if name in needed else None
            for name in COMPANY_DOCUMENT_FIELDS
        }

        def upload() -> None:
            client.upload_company_document(company.credentials, **uploads)

        if send_form(form, upload, unavailable=texts.FILES_NOT_SENT):
            if len(needed) == 1:
                text = _("Your document was uploaded. The bank is reviewing it.")
            else:
                text = _("Your documents were uploaded. The bank is reviewing them.")
            messages.success(request, text)
            return portal_session.redirect(request, reverse("onboarding:overview"))
        form.files_not_sent()
    context: dict[str, Any] = {"form": form, "documents": lines, "needed": needed}
    return render_page(request, COMPANY_TEMPLATE, context, fragment="form")


# ---------------------------------------------------------------------------
# Additional documents: getCompanyStatus, then uploadadditionaldoc
# ---------------------------------------------------------------------------


@dataclass
class AdditionalItem:
    document: t.AdditionalDocument
    state: State
    form: AdditionalDocumentForm | None = None


def _additional_items(status: t.CompanyStatus) -> list[AdditionalItem]:
    items = []
    for document in status.additional_documents:
        form = None
        if document.needs_upload:
            form = AdditionalDocumentForm(unique_id=document.unique_id, title=document.title)
        items.append(
            AdditionalItem(document=document, state=states.of_step(document.status), form=form)
        )
    return items


def _additional_not_sent(request: HttpRequest) -> HttpResponse:
    """The bank failed before the file could be sent: the document's form again, with
    its id, asking for the file again (the document's title is the bank's, unknown now)."""
    unique_id = str(request.POST.get("unique_id", "")).strip()
    form = AdditionalDocumentForm(request.POST, request.FILES, unique_id=unique_id)
    form.is_valid()
    form.add_error(None, str(texts.FILE_NOT_SENT))
    form.files_not_sent()
    document = t.AdditionalDocument(unique_id=unique_id)
    item = AdditionalItem(document=document, state=states.of_step(document.status), form=form)
    return render(request, ADDITIONAL_TEMPLATE, {"items": [item], "to_upload": [item]})


@limit_uploads()
@signed_in_view()
@require_http_methods(["GET", "HEAD", "POST"])
def additional_documents(request: HttpRequest, company: Company) -> HttpResponse:
    client = get_client()
    items = _read_first(
        request,
        lambda: _additional_items(client.get_company_status(company.credentials)),
        _additional_not_sent,
    )
    if isinstance(items, HttpResponse):
        return items
    to_upload = [item for item in items if item.form is not None]
    context: dict[str, Any] = {"items": items, "to_upload": to_upload}

    if request.method == "POST":
        unique_id = str(request.POST.get("unique_id", "")).strip()
        item = next((i for i in to_upload if i.document.unique_id == unique_id), None)
        if item is None:
            messages.info(request, _("This document is not waiting for an upload any more."))
            return portal_session.redirect(request, reverse("onboarding:additional-documents"))
        form = AdditionalDocumentForm(
            request.POST, request.FILES, unique_id=unique_id, title=item.document.title
        )
        item.form = form
        if form.is_valid():

            def upload() -> None:
                client.upload_additional_doc(
                    company.credentials,
                    unique_id=unique_id,
                    addition_doc=form.cleaned_data["addition_doc"].as_upload(),
                )

            if send_form(form, upload, unavailable=texts.FILE_NOT_SENT):
                messages.success(
                    request,
                    _("“%(title)s” was uploaded. The bank is reviewing it.")
                    % {"title": item.document.title or _("Your document")},
                )
                more = len(to_upload) > 1
                next_page = "onboarding:additional-documents" if more else "onboarding:overview"
                return portal_session.redirect(request, reverse(next_page))
            form.files_not_sent()
        if request.htmx:
            return render(request, f"{ADDITIONAL_TEMPLATE}#document-form", {"item": item})
    return render(request, ADDITIONAL_TEMPLATE, context)
