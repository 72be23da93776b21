"""Billing's slice of a tenant file: see billing.terms."""

from billing.terms import BillingTerms, validate

__all__ = ["BillingTerms", "validate"]
