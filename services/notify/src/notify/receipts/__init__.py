"""Delivery receipts: the providers' reports pushed to us, and reconciliation by query."""
