"""Which catalogue entry covers a product and version, and what that means today."""

from __future__ import annotations

import re
from datetime import date
from enum import Enum
from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator

CATALOGUE = Path(__file__).with_name("catalogue.yaml")
NEAR_DAYS = 365  # a year's notice: contracts run a year, a migration takes months


class Status(str, Enum):
    past = "past"  # past end of life
    near = "near"  # within NEAR_DAYS
    supported = "supported"
    unknown = "unknown"  # not in the catalogue: nobody checked, which is not "fine"


class Entry(BaseModel):
    model_config = ConfigDict(extra="forbid")
    product: list[str] = Field(min_length=1)
    versions: str
    cycle: str
    eol: date
    source: str = Field(pattern=r"^https://")
    note: str | None = None

    @field_validator("versions")
    @classmethod
    def _compiles(cls, value: str) -> str:
        re.compile(value)
        return value

    def covers(self, product: str, version: str) -> bool:
        return (product.strip().lower() in {p.lower() for p in self.product}
                and re.search(self.versions, version.strip().lower()) is not None)


@lru_cache
def entries() -> tuple[Entry, ...]:
    raw = yaml.safe_load(CATALOGUE.read_text(encoding="utf-8"))
    return tuple(Entry.model_validate(e) for e in raw)


def lookup(product: str, version: str) -> Entry | None:
    return next((e for e in entries() if e.covers(product, version)), None)


def status(entry: Entry | None, today: date) -> Status:
    if entry is None:
        return Status.unknown
    if entry.eol < today:
        return Status.past
    if (entry.eol - today).days <= NEAR_DAYS:
        return Status.near
    return Status.supported


def product_of_os(os_text: str) -> tuple[str, str] | None:
    """'CentOS 7.5' → ('centos', '7.5'); a server's OS is software too."""
    match = re.match(r"^\s*(.*?)\s+v?(\d[\w.]*)\s*$", os_text)
    return (match.group(1).lower(), match.group(2)) if match else None
