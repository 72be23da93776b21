"""The tenant file: one engagement (contract) as validated data.

Personal data never goes into these files: contacts are placeholders, and a
deployment supplies the real ones through its own, unversioned, copy.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import ConfigDict, Field, field_validator, model_validator
from pydantic_core import to_jsonable_python

from opspact.types import Stripped

SLUG_PATTERN = r"^[a-z][a-z0-9-]{1,31}$"
MOBILE_PATTERN = r"^1[3-9]\d{9}$"


class Strict(Stripped):
    model_config = ConfigDict(extra="forbid")


class Contact(Strict):
    name: str = Field(min_length=1, max_length=50)
    mobile: str | None = Field(default=None, pattern=MOBILE_PATTERN)
    role: str | None = None


class Party(Strict):
    name: str = Field(min_length=1, max_length=200)
    # Names the same party goes by elsewhere in the contract (e.g. a cover page
    # that disagrees with the party details); kept so the discrepancy is visible.
    other_names: list[str] = Field(default_factory=list)
    contact: Contact | None = None


class Term(Strict):
    start: date | None = None
    end: date | None = None
    # The clause the dates come from, quoted, when the contract ties them to an
    # event (signing, acceptance) rather than to fixed dates.
    basis: str | None = None
    # A term that starts when something is recorded (wuqia: 自项目验收合格之日起一年 →
    # starts_with: acceptance, months: 12): the dates follow `PUT /api/billing/contract-dates/…`
    starts_with: Literal["acceptance", "delivery"] | None = None
    months: int | None = Field(default=None, ge=1, le=120)

    @model_validator(mode="after")
    def _ordered(self) -> Term:
        if self.start and self.end and self.end <= self.start:
            raise ValueError("term.end must be after term.start")
        if not (self.start and self.end) and not self.basis:
            raise ValueError("a term without both dates must quote its basis clause")
        if (self.starts_with is None) != (self.months is None):
            raise ValueError("starts_with and months go together")
        return self


class Contract(Strict):
    title: str = Field(min_length=1)
    number: str | None = None
    tender_number: str | None = Field(default=None, max_length=64, description="招标编号")
    signed_on: date | None = None
    term: Term
    value: Decimal = Field(gt=0, max_digits=14, decimal_places=2)
    currency: str = "CNY"
    # What the contract leaves out or leaves blank, and the reading taken meanwhile: shown
    # with the contract (billing's inconsistencies) for a person to settle, never invented.
    flags: list[str] = Field(default_factory=list, max_length=50)


class TenantFile(Strict):
    slug: str = Field(pattern=SLUG_PATTERN)
    name: str = Field(min_length=1, max_length=200)
    contract: Contract
    parties: dict[str, Party]
    services: dict[str, dict[str, Any]] = Field(default_factory=dict)

    @field_validator("parties")
    @classmethod
    def _client_and_vendor(cls, parties: dict[str, Party]) -> dict[str, Party]:
        missing = {"client", "vendor"} - parties.keys()
        if missing:
            raise ValueError(f"parties must name {sorted(missing)}")
        return parties

    @field_validator("services")
    @classmethod
    def _known_services(cls, services: dict[str, Any]) -> dict[str, Any]:
        from opspact import SERVICES
        unknown = set(services) - set(SERVICES) - {"gateway"}
        if unknown:
            raise ValueError(f"unknown services {sorted(unknown)}")
        return services

    def slice_for(self, service: str) -> dict[str, Any]:
        """What one service is told about this tenant: identity plus its own section."""
        return {
            "name": self.name,
            "contract": self.contract.model_dump(mode="json"),
            "parties": {k: v.model_dump(mode="json", exclude_none=True)
                        for k, v in self.parties.items()},
            # YAML reads 2024-06-07 as a date: sent as JSON, it is ISO text again.
            "settings": to_jsonable_python(self.services.get(service, {})),
        }


def load_tenant_file(path: Path) -> TenantFile:
    with path.open(encoding="utf-8") as fh:
        raw = yaml.safe_load(fh)
    tenant = TenantFile.model_validate(raw)
    if tenant.slug != path.stem:
        raise ValueError(f"{path.name}: slug {tenant.slug!r} does not match the file name")
    return tenant


def load_tenant_files(path: Path) -> list[TenantFile]:
    files = sorted(path.glob("*.yaml")) if path.is_dir() else [path]
    if not files:
        raise FileNotFoundError(f"no tenant files (*.yaml) in {path}")
    return [load_tenant_file(f) for f in files]
