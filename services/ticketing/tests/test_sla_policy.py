"""SLA policies as tenant files state them: what is refused, and which policy matches."""

import pytest
from pydantic import ValidationError
from ticketing.sla.policy import SlaSettings
from ticketing.tenant_settings import validate

SYSTEMS = [{"code": "core-fee", "name": "收费系统", "core": True}, {"code": "portal", "name": "门户"}]


def settings(*policies):
    return {"systems": SYSTEMS, "sla": {"policies": list(policies)}}


def rule(clock="resolution", target="4h", **extra):
    return {"clock": clock, "target": target, "clause": "合同条款", **extra}


def test_standard_clocks_know_when_they_stop():
    out = validate(settings({"name": "p", "clocks": [rule("response", "30m"), rule("on_site", "2h"),
                                                     rule("resolution", "5 working days")]}))
    stops = {c["clock"]: c["stops_at"] for c in out["sla"]["policies"][0]["clocks"]}
    assert stops == {"response": "acknowledged", "on_site": "on_site", "resolution": "resolved"}


@pytest.mark.parametrize(("policy", "message"), [
    ({"name": "p", "clocks": [rule(target="-4h")]}, "-4h"),
    ({"name": "p", "clocks": [rule("visit_agreed", "24h")]}, "needs stops_at"),
    ({"name": "p", "clocks": [rule(while_status="waiting_other_unit")]}, "without a base target"),
    ({"name": "p", "clocks": [rule(), rule("resolution", "while", while_status="new")]}, "target"),
    ({"name": "p", "clocks": [rule(), rule(while_status="new")]}, "waiting state"),
    ({"name": "p", "clocks": [rule(), rule()]}, "two base targets"),
    ({"name": "p", "match": {"systems": ["nope"]}, "clocks": [rule()]}, "unknown systems"),
    ({"name": "p", "clocks": []}, "clocks"),
])
def test_bad_policies_are_refused_naming_the_problem(policy, message):
    with pytest.raises(ValidationError, match=message):
        validate(settings(policy))


def test_first_matching_policy_wins():
    sla = SlaSettings.model_validate({"policies": [
        {"name": "major", "match": {"priorities": ["p1"], "core_only": True}, "clocks": [rule()]},
        {"name": "any-incident", "clocks": [rule(target="48h")]},
        {"name": "requests", "match": {"kinds": ["service_request"]}, "clocks": [rule()]},
    ]})
    assert sla.policy_for("incident", "p1", "core-fee", core=True).name == "major"
    assert sla.policy_for("incident", "p1", "portal", core=False).name == "any-incident"
    assert sla.policy_for("service_request", "p3", "portal", core=False).name == "requests"
    assert sla.policy_for("consultation", "p3", "portal", core=False) is None
