"""Billing's slice of a tenant file: amounts exact to the fen, checked against the
contract's value, every contract's file valid."""

import copy
from decimal import Decimal
from pathlib import Path

import pytest
from billing.terms import BillingTerms, inconsistencies, validate
from opspact.tenancy.model import load_tenant_files
from pydantic import ValidationError

TENANTS = {t.slug: t for t in load_tenant_files(Path(__file__).parents[3] / "deploy" / "tenants")}


def document(value="770000.00", **settings):
    return {"contract": {"value": value}, "parties": {}, "settings": settings}


def milestone(code="first", **extra):
    return {"code": code, "name": "首付款", "trigger": {"after": ["signing"], "clause": "签订后"},
            **extra}


def test_every_tenant_file_is_valid():
    for tenant in TENANTS.values():
        doc = tenant.slice_for("billing")
        validate(doc["settings"], doc)


def test_amounts_stay_exact():
    out = validate({"milestones": [milestone(amount="123456.78")]})
    assert out["milestones"][0]["amount"] == "123456.78"


@pytest.mark.parametrize(("milestones", "needle"), [
    ([], "at least 1"),
    ([milestone(amount="0")], "greater than 0"),
    ([milestone(amount="1.001")], "decimal places"),
    ([milestone(percent="101")], "less than or equal to 100"),
    ([milestone(percent="-5")], "greater than 0"),
    ([milestone(percent="30", amount="1.00")], "not both"),
    ([milestone(percent="60"), milestone("final", percent="50")], "over the contract value"),
    ([milestone(percent="30", depends_on=["nope"])], "unknown"),
    ([milestone(percent="30", trigger={"after": ["someday"], "clause": "x"})], "after"),
    ([milestone(percent="30", trigger={"after": ["signing"], "within": "soon", "clause": "x"})],
     "10 working days"),
])
def test_bad_milestones_are_refused_naming_the_field(milestones, needle):
    doc = document(milestones=milestones)
    with pytest.raises(ValidationError) as exc:
        validate(doc["settings"], doc)
    assert needle in str(exc.value)


def test_line_items_must_sum_to_the_value_and_the_difference_is_named():
    zhuhai = copy.deepcopy(TENANTS["zhuhai"].slice_for("billing"))
    settings = zhuhai["settings"]
    assert sum(len(g["items"]) for g in settings["line_items"]) == 42
    settings["line_items"][0]["items"][0]["wan"] = "7.3"
    settings["line_items"][0]["wan"] = "11.44"
    with pytest.raises(ValidationError) as exc:
        validate(settings, zhuhai)
    assert "difference -¥1,000.00" in str(exc.value)
    settings["line_items"][0]["wan"] = "11.34"  # group subtotal now disagrees with its items
    with pytest.raises(ValidationError) as exc:
        validate(settings, zhuhai)
    assert "基础设施维护" in str(exc.value)


def test_inconsistencies_are_flagged():
    beijing = TENANTS["beijing"].slice_for("billing")
    terms = BillingTerms.model_validate(beijing["settings"])
    assert any("乙方名称不一致" in f for f in inconsistencies(terms, beijing))
    doc = document(milestones=[milestone(percent="30")])
    terms = BillingTerms.model_validate(doc["settings"])
    assert any("¥539,000.00 没有约定" in f for f in inconsistencies(terms, doc))
    assert terms.milestone_share(Decimal("770000")) == Decimal(30)


def test_yaml_on_is_not_a_trap():
    # YAML reads a bare `on:` key as true: the rule field is called `events`.
    rules = TENANTS["xinjiang"].slice_for("billing")["settings"]["damages"]["rules"]
    assert all("events" in r for r in rules)
