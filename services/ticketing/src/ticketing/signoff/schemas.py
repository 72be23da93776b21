from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field, model_validator

Sha256 = Field(pattern=r"^[0-9a-f]{64}$", description="SHA-256 of the bytes signed (hex, lower case)")


class SignOffIn(BaseModel):
    decision: Literal["accepted", "rejected"]
    sha256: str = Sha256
    comment: str | None = Field(default=None, min_length=2, max_length=2000,
                                description="optional with an acceptance; the reason of a rejection")

    @model_validator(mode="after")
    def _reason(self) -> SignOffIn:
        if self.decision == "rejected" and not self.comment:
            raise ValueError("a rejection needs its reason in comment")
        return self


class ReportSignOffIn(SignOffIn):
    format: Literal["pdf", "docx"] = Field(default="pdf", description="the archived file signed")


class SignOffOut(BaseModel):
    decision: str
    sha256: str
    part: str | None = Field(description="an archived report: the file signed")
    comment: str | None
    signed_by: str
    method: str = Field(description="token | pki (数字证书)")
    signed_at: datetime
