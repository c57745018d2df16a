"""Fixtures of the money-out tests (dashboard, accounts, beneficiaries, payments).

Import them under their module names; pytest knows them as `company` and `signed_in`:

    from tests.banking_money import company_fixture, signed_in_fixture  # noqa: F401
"""

from __future__ import annotations

import pytest
from django.test import Client

from sandbox.models import Company
from tests.conftest import create_company, portal_sign_in


@pytest.fixture(name="company")
def company_fixture(db) -> Company:
    """A live company with one IBAN ("Main account") holding 5,000.00 EUR."""
    return create_company()


@pytest.fixture(name="signed_in")
def signed_in_fixture(client: Client, company: Company) -> Client:
    """The test client, signed in through the portal's own pages."""
    portal_sign_in(client, company.email)
    return client
