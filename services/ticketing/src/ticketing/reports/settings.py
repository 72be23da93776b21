"""Which periodic reports a contract asks for (tenant file: services.ticketing.reports)."""

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Kind = Literal["weekly", "monthly", "quarterly", "half_yearly", "annual"]


class ReportSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kinds: list[Kind] = Field(default_factory=lambda: ["monthly", "annual"], min_length=1,
                              description="the periodic reports the contract requires")
    clause: str | None = Field(default=None, max_length=500,
                               description="the contract's words on reports, quoted in the dossier index")
    service_records: bool = Field(default=False, description="a 运维服务售后记录单 per task (xinxiang)")
    manual: bool = Field(default=False, description="a yearly 技术服务手册 per system (xinjiang)")
    due_within_days: dict[Kind, int] = Field(default_factory=dict, description=(
        "days after its period a report is due, where the contract says (beijing: the annual "
        "summary within 15 days after the term)"))
    due_clause: str | None = Field(default=None, max_length=500)
