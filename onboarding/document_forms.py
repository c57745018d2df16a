"""Forms of the company documents (uploadCompanyDocument) and of the additional
documents compliance asks for (uploadadditionaldoc). Field names are the API's."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal.uploads import MAX_UPLOAD_BYTES, MB, UploadField


def file_help() -> str:
    return gettext("PDF, JPEG or PNG, at most %(size)s MB.") % {"size": MAX_UPLOAD_BYTES // MB}


@dataclass(frozen=True)
class CompanyDocument:
    """One of the three documents of uploadCompanyDocument."""

    field: str  # the API's form field
    kind: str  # its key in getCompanyDocumentStatus `company_document`, lower case
    label: Promise
    description: Promise


COMPANY_DOCUMENTS: tuple[CompanyDocument, ...] = (
    CompanyDocument(
        field="business_reg_document",
        kind="business_registration",
        label=_("Business registration document"),
        description=_("The certificate of incorporation or an extract of the company register."),
    ),
    CompanyDocument(
        field="ownership_structure_document",
        kind="ownership",
        label=_("Ownership structure"),
        description=_("A chart or register showing who owns and controls the company."),
    ),
    CompanyDocument(
        field="financial_document",
        kind="financial",
        label=_("Financial statement"),
        description=_("The latest annual accounts, or a recent bank statement for a new company."),
    ),
)
COMPANY_DOCUMENT_FIELDS = tuple(document.field for document in COMPANY_DOCUMENTS)


class UploadForm(forms.Form):
    """A form with files, which says next to an input when its file must be chosen again.

    Browsers cannot put a chosen file back into a file input, so whenever the
    form comes back (another file refused, or the bank unavailable) each file
    that was fine is named in its field's help text.
    """

    def _choose_again(self, names: Iterable[str], why: str) -> list[str]:
        again = []
        for name in names:
            chosen = self.cleaned_data.get(name) if name not in self.errors else None
            if not isinstance(self.fields[name], UploadField) or chosen is None:
                continue
            again.append(name)
            # The bound field copied the help text when it was made: set both.
            text = why % {"name": chosen.original_name}
            self.fields[name].help_text = self[name].help_text = text
        return again

    def files_not_sent(self) -> list[str]:
        """After the bank failed to take a valid form: every file must be chosen again."""
        return self._choose_again(
            self.fields,
            gettext(
                "Your file “%(name)s” was not sent: the bank was unavailable. Choose it again."
            ),
        )


class CompanyDocumentsForm(UploadForm):
    """The company documents still to upload: all three at first, later only the rejected."""

    business_reg_document = UploadField(label=COMPANY_DOCUMENTS[0].label)
    ownership_structure_document = UploadField(label=COMPANY_DOCUMENTS[1].label)
    financial_document = UploadField(label=COMPANY_DOCUMENTS[2].label)

    def __init__(
        self,
        *args: Any,
        needed: Iterable[str] = COMPANY_DOCUMENT_FIELDS,
        notes: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        needed = set(needed)
        for name in list(self.fields):
            if name not in needed:
                del self.fields[name]
        descriptions = {document.field: document.description for document in COMPANY_DOCUMENTS}
        for name, field in self.fields.items():
            parts = [str(descriptions[name]), (notes or {}).get(name, ""), file_help()]
            field.help_text = " ".join(part for part in parts if part)

    def lost_files(self) -> list[str]:
        """Fields whose file was fine but must be chosen again after another one failed.

        Browsers cannot put a chosen file back into a file input, so when any
        file is refused nothing is sent and every needed file is asked for again.
        Call after `is_valid()` returned False; the help text of those fields says so.
        """
        return self._choose_again(
            self.fields,
            gettext(
                "Your file “%(name)s” was fine but was not sent, because another file "
                "needs attention. Choose it again."
            ),
        )

    def labels(self, names: Iterable[str]) -> list[str]:
        return [str(self.fields[name].label) for name in names]


class AdditionalDocumentForm(UploadForm):
    """One document compliance asked for: its `unique_id` and the file (`addition_doc`)."""

    unique_id = forms.CharField(widget=forms.HiddenInput, max_length=100)
    addition_doc = UploadField(label=_("Document"))

    def __init__(self, *args: Any, unique_id: str, title: str = "", **kwargs: Any) -> None:
        # Several of these forms share a page: the ids differ, the names are the API's.
        kwargs.setdefault("auto_id", f"id_%s_{unique_id}")
        kwargs.setdefault("initial", {"unique_id": unique_id})
        super().__init__(*args, **kwargs)
        self.document_id = unique_id
        self.fields["addition_doc"].help_text = file_help()
        if title:
            self.fields["addition_doc"].label = gettext("File for “%(title)s”") % {"title": title}

    def clean_unique_id(self) -> str:
        value = self.cleaned_data["unique_id"].strip()
        if value != self.document_id:
            raise forms.ValidationError(gettext("This document is not requested."))
        return value
