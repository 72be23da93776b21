"""The register's shapes. No field can hold a secret, and a request that tries to
send one (a `password` key, or "密码: …" in the notes) is refused by name."""

import re
from datetime import datetime
from enum import Enum
from typing import Any

from opspact.types import IsoInstant, Stripped
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from inventory.people.schemas import CODE

SECRET_KEYS = re.compile(r"pass(word|wd|phrase)?|pwd|secret|token|private_?key|口令|密码", re.I)
SECRET_TEXT = re.compile(r"(pass(word|wd)?|pwd|口令|密码)\s*(is|为|是)?\s*[:=：]\s*\S", re.I)


def refuse_secret_keys(data: Any) -> Any:
    if isinstance(data, dict):
        offending = sorted(k for k in data if isinstance(k, str) and SECRET_KEYS.fullmatch(k))
        if offending:
            raise ValueError(f"OpsPact never stores secrets: remove {', '.join(offending)}; "
                             "record the account, its custodian and its last rotation instead")
    return data


def refuse_secret_text(value: str | None) -> str | None:
    if value and SECRET_TEXT.search(value):
        raise ValueError("the notes look like they hold a password; OpsPact never stores secrets")
    return value


def check_holders(holders: list[str] | None) -> list[str] | None:
    for holder in holders or ():
        if not re.fullmatch(CODE, holder):
            raise ValueError(f"{holder!r} is not a staff code")
    if holders and len(set(holders)) != len(holders):
        raise ValueError("a holder is listed twice")
    return holders


class CredentialKind(str, Enum):
    os = "os"
    database = "database"
    application = "application"
    vpn = "vpn"
    network_device = "network_device"
    cloud_console = "cloud_console"
    other = "other"


class Privilege(str, Enum):
    admin = "admin"
    operator = "operator"
    readonly = "readonly"


class Custodian(Stripped):
    """The client-side keeper (e.g. the 系统专管员); a placeholder name, never a real one."""
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=100)
    unit: str | None = Field(default=None, max_length=100, description="e.g. 科技信息化科")
    role: str | None = Field(default=None, max_length=100, description="e.g. 系统专管员")


class CredentialCreate(Stripped):
    model_config = ConfigDict(extra="forbid")
    code: str = Field(pattern=CODE)
    asset: str = Field(pattern=CODE, description="code of the asset the account lives on")
    account: str = Field(min_length=1, max_length=128, description="the login name, e.g. root")
    kind: CredentialKind
    privilege: Privilege
    custodian: Custodian
    holders: list[str] = Field(default_factory=list, max_length=50,
                               description="codes of the vendor staff who use the account")
    rotation_interval_days: int = Field(ge=1, le=3650)
    last_rotated_at: IsoInstant | None = Field(
        default=None, description="unknown: the rotation is due at once (an unknown age is a risk)")
    notes: str | None = Field(default=None, max_length=2000)

    _no_secret_keys = model_validator(mode="before")(refuse_secret_keys)
    _no_secret_text = field_validator("notes")(refuse_secret_text)

    _holder_codes = field_validator("holders")(check_holders)


class CredentialUpdate(Stripped):
    model_config = ConfigDict(extra="forbid")
    privilege: Privilege | None = None
    custodian: Custodian | None = None
    holders: list[str] | None = Field(default=None, max_length=50)
    rotation_interval_days: int | None = Field(default=None, ge=1, le=3650)
    notes: str | None = Field(default=None, max_length=2000)

    _no_secret_keys = model_validator(mode="before")(refuse_secret_keys)
    _no_secret_text = field_validator("notes")(refuse_secret_text)
    _holder_codes = field_validator("holders")(check_holders)


class RotationCreate(Stripped):
    model_config = ConfigDict(extra="forbid")
    rotated_at: IsoInstant = Field(description="when the secret was changed (not in the future)")
    note: str | None = Field(default=None, max_length=500)

    _no_secret_keys = model_validator(mode="before")(refuse_secret_keys)
    _no_secret_text = field_validator("note")(refuse_secret_text)


class CredentialOut(BaseModel):
    code: str
    asset: str
    account: str
    kind: CredentialKind
    privilege: Privilege
    custodian: Custodian
    holders: list[str]
    rotation_interval_days: int
    last_rotated_at: datetime | None
    rotation_due_at: datetime
    overdue: bool
    days_overdue: int = Field(description="whole days past the due instant, 0 when not overdue")
    notes: str | None
    status: str
    created_at: datetime
    updated_at: datetime


class CredentialPage(BaseModel):
    items: list[CredentialOut]
    total: int
    limit: int
    offset: int


class RotationOut(BaseModel):
    rotated_at: datetime
    recorded_by: str
    note: str | None
    recorded_at: datetime
