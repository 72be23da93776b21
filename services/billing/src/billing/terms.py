"""Billing's section of a tenant file: what the contract says about money.

Line items (where the contract prices them), payment milestones with their triggers,
the repair-cost split, the client's late-payment interest and the
liquidated-damages rules, each with the clause it comes from, quoted. Amounts are
Decimal strings exact to the fen; percentages are Decimal percent ("0.3" = 0.3 %).
Checks that need the contract's value (items summing to it, milestones not over
100 %) run with the whole tenant slice (`validate(settings, document)`).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Literal

from opspact.calendar.offsets import parse_offset
from opspact.types import Stripped
from pydantic import ConfigDict, Field, ValidationInfo, field_validator, model_validator

from billing.money import HUNDRED, figures, from_wan, percent_of

CODE = r"^[a-z0-9][a-z0-9-]{0,47}$"
Percent = Annotated[Decimal, Field(gt=0, le=100, max_digits=12, decimal_places=6)]
Money = Annotated[Decimal, Field(gt=0, max_digits=14, decimal_places=2)]
Clause = Annotated[str, Field(min_length=1, max_length=1000, description="the clause, quoted")]

# Dates a trigger can hang on. signing / effective / term_start / term_end come from the
# contract; acceptance, delivery and the client's budget approval are recorded when they
# happen; `invoice` is the issue date of the milestone's own invoice.
RecordedDate = Literal["acceptance", "delivery", "budget_approval"]
Anchor = Literal["signing", "effective", "term_start", "term_end", "acceptance", "delivery",
                 "budget_approval", "invoice"]


class Strict(Stripped):
    model_config = ConfigDict(extra="forbid")


class LineItem(Strict):
    name: str = Field(min_length=1, max_length=200)
    wan: Decimal = Field(gt=0, max_digits=10, decimal_places=4, description="万元, as printed")


class LineGroup(Strict):
    name: str = Field(min_length=1, max_length=200)
    wan: Decimal = Field(gt=0, max_digits=10, decimal_places=4, description="the group's subtotal")
    items: list[LineItem] = Field(min_length=1, max_length=100)

    @model_validator(mode="after")
    def _items_make_the_subtotal(self) -> LineGroup:
        total = sum((i.wan for i in self.items), Decimal(0))
        if total != self.wan:
            raise ValueError(f"the items of {self.name} sum to {total} 万元, the group says "
                             f"{self.wan} 万元 (difference {self.wan - total} 万元)")
        return self


class Trigger(Strict):
    """Due on the latest of `after`'s dates plus `within`; payable from `opens_days_before`
    days before that date (xinxiang: the 90 days before the term ends)."""
    after: list[Anchor] = Field(min_length=1, max_length=3)
    within: str = "0 days"
    opens_days_before: int = Field(default=0, ge=0, le=366)
    clause: Clause

    @field_validator("within")
    @classmethod
    def _offset(cls, value: str) -> str:
        days, _ = parse_offset(value)
        if days < 0:
            raise ValueError("within counts forward from the trigger")
        return value


class Milestone(Strict):
    code: str = Field(pattern=CODE)
    name: str = Field(min_length=1, max_length=100)
    percent: Percent | None = None
    amount: Money | None = None
    trigger: Trigger
    # A compliant invoice must precede the payment (xinjiang: 专用发票; until it is
    # issued the client is not late).
    invoice_first: bool = False
    invoice_kind: Literal["vat_special", "vat_normal"] = "vat_normal"
    depends_on: list[str] = Field(default_factory=list, description="milestones paid first")

    @model_validator(mode="after")
    def _one_measure(self) -> Milestone:
        if (self.percent is None) == (self.amount is None):
            raise ValueError(f"milestone {self.code}: give percent or amount, not both or neither")
        return self

    def amount_of(self, value: Decimal) -> Decimal:
        return self.amount if self.amount is not None else percent_of(value, self.percent)


class RepairSplit(Strict):
    """Who bears a repair (beijing 三2(4)/(5)): parts and devices replaced cost the vendor
    up to `vendor_up_to` per occurrence (inclusive) and the client the whole cost above it;
    consumables and the manufacturer's on-site repairs or upgrades are always the vendor's."""
    vendor_up_to: Money = Field(description="per occurrence, inclusive: the vendor's")
    clause: Clause
    vendor_always_clause: Clause | None = Field(
        default=None, description="costs the vendor bears whatever the amount")


class LateInterest(Strict):
    """The client paying late. `value_per_day`: rate % of the contract value per day;
    `overdue_per_day`: rate % of the overdue amount per day; `lpr`: the one-year LPR
    in force on `lpr_on` (default: the effective date), per day on the overdue amount
    by the `day_count` convention."""
    basis: Literal["value_per_day", "overdue_per_day", "lpr"]
    rate: Percent | None = Field(default=None, description="% per day (not for lpr)")
    cap: Percent | None = Field(default=None, description="% of the contract value")
    day_count: Literal["act/365", "act/360"] = "act/365"
    clause: Clause

    @model_validator(mode="after")
    def _rate_matches_basis(self) -> LateInterest:
        if (self.basis == "lpr") == (self.rate is not None):
            raise ValueError("lpr takes no rate; the per-day bases need one")
        return self


class Match(Strict):
    """Which events a rule counts. Empty lists match everything."""
    clocks: list[str] = Field(default_factory=list)
    priorities: list[str] = Field(default_factory=list)
    systems: list[str] = Field(default_factory=list)
    kinds: list[str] = Field(default_factory=list, description="data.kind of recorded violations")


class Escalation(Strict):
    """On the Nth counted occurrence (in the counting period): this percent instead of
    (or on top of) the base, and possibly a termination right."""
    at: int = Field(ge=2, le=100)
    percent: Percent
    base_too: bool = Field(description="whether the Nth occurrence also incurs the base percent")
    termination_right: bool = False
    serious_too: bool = Field(default=False, description=(
        "an occurrence recorded as serious (造成严重后果) escalates whatever its count"))


class Deadline(Strict):
    """A date the vendor must meet, counted from a contract date (wuqia 七(一) "完成时限：60
    日"): the rule's item is late from the day after the deadline to the day recorded as
    `done_by` (PUT /contract-dates/…), and accrues while nothing is recorded — the ledger
    needs nobody to report it."""
    item: str = Field(pattern=CODE, description="what is late, e.g. delivery")
    after: Anchor
    within: str = Field(description="calendar or working days, e.g. 60 days")
    done_by: RecordedDate
    clause: Clause

    @field_validator("within")
    @classmethod
    def _offset(cls, value: str) -> str:
        if parse_offset(value)[0] < 0:
            raise ValueError("within counts forward from the contract date")
        return value


class Beyond(Strict):
    """Once an item is more than `days` late: `percent` of the value, once (wuqia: late
    acceptance beyond 30 days, 2 %)."""
    days: int = Field(ge=1, le=3650)
    percent: Percent
    clause: Clause


RuleKind = Literal["per_occurrence", "threshold", "consecutive", "per_day", "fixed"]


class DamageRule(Strict):
    """
    - per_occurrence: percent of value for each counted event; optional escalation.
    - threshold: once, when the count in the period reaches `at` (xinjiang: the 2nd
      staff replacement in a contract year).
    - consecutive: once, when `at` failed periods follow each other (a pass resets).
    - per_day: percent per day late — of the value, or of the late part's value
      (`of: part`, from the event's `part_value`); `terminate_after_days` raises the
      termination right. `per: item` charges each late item its own days (a part of a
      day counts as a day); `per: day` charges each calendar day (Asia/Shanghai) on which
      any item was late once, however many items were late that day.
    - fixed: percent of value for each recorded violation of this rule.
    """
    code: str = Field(pattern=CODE)
    kind: RuleKind
    events: list[str] = Field(min_length=1, max_length=10, description="event types counted")
    match: Match = Field(default_factory=Match)
    percent: Percent
    of: Literal["value", "part"] = "value"
    per: Literal["item", "day"] = Field(
        default="item", description="per_day: each late item its days, or each late day once")
    once_per: Literal["event", "ticket"] = Field(
        default="event", description="ticket: several breached clocks of one fault count once")
    counting: Literal["contract_year", "term"] = "term"
    at: int | None = Field(default=None, ge=1, le=100)
    escalation: Escalation | None = None
    terminate_after_days: int | None = Field(default=None, ge=1, le=3650)
    termination_right: bool = False
    deadline: Deadline | None = None
    beyond: Beyond | None = None
    clause: Clause

    @model_validator(mode="after")
    def _kind_needs(self) -> DamageRule:
        if self.kind in ("threshold", "consecutive") and self.at is None:
            raise ValueError(f"rule {self.code}: a {self.kind} rule needs `at`")
        if self.escalation and self.kind != "per_occurrence":
            raise ValueError(f"rule {self.code}: only per_occurrence rules escalate")
        if self.of == "part" and self.kind != "per_day":
            raise ValueError(f"rule {self.code}: `of: part` is for per_day rules")
        if self.per == "day" and (self.kind != "per_day" or self.of == "part"):
            raise ValueError(f"rule {self.code}: `per: day` is for per_day rules of the value")
        if (self.deadline or self.beyond) and self.kind != "per_day":
            raise ValueError(f"rule {self.code}: deadline and beyond are for per_day rules")
        return self


class Cap(Strict):
    percent: Percent = Field(description="all damages together, % of the contract value")
    clause: Clause


class Damages(Strict):
    rules: list[DamageRule] = Field(default_factory=list, max_length=50)
    cap: Cap | None = None

    @field_validator("rules")
    @classmethod
    def _unique_codes(cls, rules: list[DamageRule]) -> list[DamageRule]:
        codes = [r.code for r in rules]
        dupes = sorted({c for c in codes if codes.count(c) > 1})
        if dupes:
            raise ValueError(f"rule codes used twice: {', '.join(dupes)}")
        return rules


class BillingTerms(Strict):
    effective_on: str | None = Field(default=None, description="ISO date; default term.start")
    line_items: list[LineGroup] = Field(default_factory=list, max_length=30)
    milestones: list[Milestone] = Field(min_length=1, max_length=20)
    repair_split: RepairSplit | None = None
    late_interest: LateInterest | None = None
    damages: Damages = Field(default_factory=Damages)

    @field_validator("milestones")
    @classmethod
    def _milestone_codes(cls, milestones: list[Milestone]) -> list[Milestone]:
        codes = [m.code for m in milestones]
        if len(set(codes)) != len(codes):
            raise ValueError("milestone codes must be unique")
        for m in milestones:
            unknown = set(m.depends_on) - set(codes)
            if unknown or m.code in m.depends_on:
                raise ValueError(f"milestone {m.code} depends on unknown {sorted(unknown or {m.code})}")
        return milestones

    @model_validator(mode="after")
    def _against_the_value(self, info: ValidationInfo) -> BillingTerms:
        value = (info.context or {}).get("value")
        if value is None:
            return self
        if self.line_items:
            total = from_wan(sum((g.wan for g in self.line_items), Decimal(0)))
            if total != value:
                raise ValueError(f"the line items sum to {figures(total)}, the contract value is "
                                 f"{figures(value)} (difference {figures(value - total)})")
        scheduled = sum((m.amount_of(value) for m in self.milestones), Decimal(0))
        if scheduled > value:
            raise ValueError(f"the milestones sum to {figures(scheduled)}, over the contract value "
                             f"{figures(value)} by {figures(scheduled - value)}")
        return self

    def milestone_share(self, value: Decimal) -> Decimal:
        return sum((m.amount_of(value) for m in self.milestones), Decimal(0)) * HUNDRED / value


PARTY_NAMES = {"client": "甲方", "vendor": "乙方"}


def inconsistencies(terms: BillingTerms, document: dict[str, Any]) -> list[str]:
    """What does not add up in the contract's own data, for a person to look at."""
    found = []
    value = Decimal(document["contract"]["value"])
    scheduled = sum((m.amount_of(value) for m in terms.milestones), Decimal(0))
    if scheduled < value:
        found.append(f"付款节点合计 {figures(scheduled)}，少于合同总价 {figures(value)}："
                     f"{figures(value - scheduled)} 没有约定何时支付")
    found += [f"待澄清：{flag}" for flag in document["contract"].get("flags", [])]
    for role, party in document.get("parties", {}).items():
        for other in party.get("other_names", []):
            found.append(f"{PARTY_NAMES.get(role, role)}名称不一致：合同中既写作“{party['name']}”，"
                         f"又写作“{other}”")
    return found


def validate(settings: dict[str, Any], document: dict[str, Any] | None = None) -> dict[str, Any]:
    context = {"value": Decimal(document["contract"]["value"])} if document else None
    return BillingTerms.model_validate(settings, context=context).model_dump(mode="json")
