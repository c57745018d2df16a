"""Handlers of every endpoint of the API reference, grouped by area."""

from sandbox.endpoints import accounts, banking, crypto, kyc, reference  # noqa: F401
