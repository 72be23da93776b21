"""Inventory's section of a tenant file: on-site posts and the assets the contract lists."""

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from inventory.assets.seed import AssetSeed, validate_codes


class Post(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$")
    name: str = Field(min_length=1, max_length=100)
    headcount: int = Field(ge=1, le=100)
    coverage: str = Field(pattern=r"^(5x8|7x8|7x24)$")


class InventoryTenantSettings(BaseModel):
    model_config = ConfigDict(extra="allow")
    posts: list[Post] = Field(default_factory=list)
    assets: list[AssetSeed] = Field(default_factory=list)

    @field_validator("assets")
    @classmethod
    def _consistent(cls, assets: list[AssetSeed]) -> list[AssetSeed]:
        validate_codes(assets)
        return assets


def validate(settings: dict[str, Any]) -> dict[str, Any]:
    return InventoryTenantSettings.model_validate(settings).model_dump(mode="json",
                                                                      exclude_none=True)
