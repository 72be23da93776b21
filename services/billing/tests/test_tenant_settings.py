"""Billing's slice of a tenant file: payment milestones, amounts exact to the fen."""

import pytest
from billing.tenant_settings import validate
from pydantic import ValidationError


def test_amounts_stay_exact():
    out = validate({"milestones": [{"name": "验收后", "amount": "123456.78",
                                    "trigger": "项目验收合格后支付"}]})
    assert out["milestones"][0]["amount"] == "123456.78"


@pytest.mark.parametrize("milestones", [
    [],
    [{"name": "首付", "amount": "0", "trigger": "签订后"}],
    [{"name": "首付", "amount": "1.001", "trigger": "签订后"}],
])
def test_bad_milestones_are_refused(milestones):
    with pytest.raises(ValidationError):
        validate({"milestones": milestones})
