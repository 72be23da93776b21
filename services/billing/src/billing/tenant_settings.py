"""Billing's section of a tenant file: the payment milestones of the contract."""

from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class Milestone(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=100)
    amount: Decimal = Field(gt=0, max_digits=14, decimal_places=2)
    # The contract clause that triggers the payment, quoted.
    trigger: str = Field(min_length=1, max_length=500)


class BillingTenantSettings(BaseModel):
    model_config = ConfigDict(extra="allow")  # damages rules and invoices come later
    milestones: list[Milestone] = Field(min_length=1)


def validate(settings: dict[str, Any]) -> dict[str, Any]:
    return BillingTenantSettings.model_validate(settings).model_dump(mode="json")
