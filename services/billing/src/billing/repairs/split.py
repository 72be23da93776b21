"""Who bears a repair's cost under the contract's split — a pure function of the clause."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from billing.money import figures
from billing.terms import RepairSplit

RepairKind = Literal["parts", "consumables", "manufacturer"]
KIND_NAMES = {"parts": "更换配件、设备", "consumables": "线缆、管材等低值耗材",
              "manufacturer": "设备原厂上门维修、升级"}


@dataclass(frozen=True)
class Decision:
    borne_by: Literal["vendor", "client"]
    clause: str
    reason: str


def who_pays(split: RepairSplit, kind: RepairKind, amount: Decimal) -> Decision:
    if kind != "parts":
        if split.vendor_always_clause is None:
            raise ValueError(f"the contract says nothing of {KIND_NAMES[kind]}: record it as parts")
        return Decision("vendor", split.vendor_always_clause,
                        f"{KIND_NAMES[kind]}：无论金额，由乙方承担")
    limit = split.vendor_up_to
    if amount <= limit:
        return Decision("vendor", split.clause,
                        f"单次 {figures(amount)}，不超过 {figures(limit)}（含）：由乙方承担")
    return Decision("client", split.clause,
                    f"单次 {figures(amount)}，超过 {figures(limit)}：全部由甲方承担")
