"""Inventory's section of a tenant file: on-site posts and the assets the contract lists."""

from datetime import time
from typing import Any

from opspact.calendar import CalendarSettings
from pydantic import BaseModel, ConfigDict, Field, field_validator

from inventory.assets.seed import AssetSeed, validate_codes
from inventory.trainings.settings import TrainingDuty


class Post(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$")
    name: str = Field(min_length=1, max_length=100)
    headcount: int = Field(ge=1, le=100, description="people on shift at every required moment")
    coverage: str = Field(pattern=r"^(5x8|7x8|7x24|off_days)$",
                          description="5x8 working days, 7x8 every day, 7x24, off_days "
                                      "(weekends and holidays)")
    hours: str = Field(default="09:00-17:00", pattern=r"^\d{2}:\d{2}-\d{2}:\d{2}$",
                       description="the 8 hours of x8 and off_days coverage, Asia/Shanghai")

    def window(self) -> tuple[time, time]:
        start, end = self.hours.split("-")
        return time.fromisoformat(start), time.fromisoformat(end)


class InventoryTenantSettings(BaseModel):
    model_config = ConfigDict(extra="allow")
    posts: list[Post] = Field(default_factory=list)
    calendar: CalendarSettings = Field(default_factory=CalendarSettings)
    assets: list[AssetSeed] = Field(default_factory=list)
    trainings: list[TrainingDuty] = Field(default_factory=list, max_length=10)

    def post(self, code: str) -> Post | None:
        return next((p for p in self.posts if p.code == code), None)

    @field_validator("trainings")
    @classmethod
    def _one_duty_per_kind(cls, trainings: list[TrainingDuty]) -> list[TrainingDuty]:
        kinds = [t.kind for t in trainings]
        if len(kinds) != len(set(kinds)):
            raise ValueError("each training kind is listed once")
        return trainings

    @field_validator("assets")
    @classmethod
    def _consistent(cls, assets: list[AssetSeed]) -> list[AssetSeed]:
        validate_codes(assets)
        return assets


def validate(settings: dict[str, Any], document: dict[str, Any] | None = None) -> dict[str, Any]:
    """`document`: the whole slice (contract, parties), for checks that need it."""
    return InventoryTenantSettings.model_validate(settings).model_dump(mode="json",
                                                                      exclude_none=True)
