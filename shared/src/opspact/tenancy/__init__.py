"""Tenants: the engagement files (one per contract) and each service's slice of them."""

from opspact.tenancy.model import TenantFile, load_tenant_files

__all__ = ["TenantFile", "load_tenant_files"]
