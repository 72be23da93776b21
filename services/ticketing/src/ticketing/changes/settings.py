"""The change section of a tenant file: who approves a change, in which order.

    changes:
      approval_chain:
        - {code: sysadmin, name: 系统专管员, roles: [client_admin], approvers: [xj-sysadmin]}
        - {code: it-lead, name: 科技信息化工作负责人, roles: [client_admin], approvers: [xj-it-lead]}

`approvers` names the people (token subjects) who may decide a step; without it,
anyone holding one of `roles` may. A change keeps the chain it was submitted under.
"""

from __future__ import annotations

from opspact.auth import ROLES
from pydantic import BaseModel, ConfigDict, Field, field_validator


class Step(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    code: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,31}$")
    name: str = Field(min_length=1, max_length=100)
    roles: list[str] = Field(default_factory=lambda: ["client_admin"], min_length=1)
    approvers: list[str] = Field(default_factory=list)

    @field_validator("roles")
    @classmethod
    def _known_roles(cls, roles: list[str]) -> list[str]:
        unknown = set(roles) - set(ROLES)
        if unknown:
            raise ValueError(f"unknown roles {sorted(unknown)}")
        return roles


def _one_step() -> list[Step]:
    return [Step(code="client", name="甲方审批")]


class ChangeSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    approval_chain: list[Step] = Field(default_factory=_one_step, min_length=1, max_length=5)

    @field_validator("approval_chain")
    @classmethod
    def _unique_steps(cls, chain: list[Step]) -> list[Step]:
        codes = [s.code for s in chain]
        if len(codes) != len(set(codes)):
            raise ValueError("approval steps need unique codes")
        return chain
