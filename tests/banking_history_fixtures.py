"""Fixtures of the history pages' tests (loaded with `pytest_plugins`): a signed-in live company."""

from __future__ import annotations

import pytest
from django.test import Client

from sandbox.models import Company
from tests.conftest import create_company, portal_sign_in


@pytest.fixture
def company(db) -> Company:
    return create_company()


@pytest.fixture
def signed_in(client: Client, company: Company) -> Client:
    """A browser session of the live company, signed in through the portal's pages."""
    portal_sign_in(client, company.email)
    return client
