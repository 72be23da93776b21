"""Per-tenant upstream pools: weights, failover order, and configuration mistakes."""

import random

import pytest
from gateway.routing import Member, Router

UPSTREAMS = {"ticketing": "http://default:8001"}
POOLS = {"beijing": {"ticketing": [Member(url="http://bj-a:8001", weight=3),
                                   Member(url="http://bj-b:8001", weight=1)]}}
SECTIONS = {"beijing": {"routes": {"ticketing": {"pool": "beijing", "timeout_seconds": 10}}},
            "xinjiang": {}}


def router(**extra) -> Router:
    r = Router.build(UPSTREAMS, POOLS, SECTIONS, strict=True, **extra)
    r.rng = random.Random(7)
    return r


def test_tenants_use_their_pool_others_the_default():
    r = router()
    assert {m.url for m in r.candidates("beijing", "ticketing")} == {"http://bj-a:8001",
                                                                    "http://bj-b:8001"}
    assert [m.url for m in r.candidates("xinjiang", "ticketing")] == ["http://default:8001"]
    assert r.route("beijing", "ticketing").timeout_seconds == 10


def test_weights_decide_who_goes_first():
    r = router()
    firsts = [r.candidates("beijing", "ticketing")[0].url for _ in range(2000)]
    share = firsts.count("http://bj-a:8001") / len(firsts)
    assert 0.7 < share < 0.8  # 3 : 1


def test_a_member_that_refused_goes_last_until_it_recovers():
    r = router(down_seconds=60)
    a = next(m for m in r.pools["beijing"]["ticketing"] if m.url.endswith("bj-a:8001"))
    r.mark_down(a)
    for _ in range(20):
        assert [m.url for m in r.candidates("beijing", "ticketing")] == [
            "http://bj-b:8001", "http://bj-a:8001"]
    a.down_until = 0
    assert {r.candidates("beijing", "ticketing")[0].url for _ in range(50)} == {
        "http://bj-a:8001", "http://bj-b:8001"}


def test_unknown_pool_stops_the_gateway_outside_dev_and_falls_back_in_dev():
    sections = {"beijing": {"routes": {"ticketing": {"pool": "nowhere"}}}}
    with pytest.raises(ValueError, match="pool 'nowhere'"):
        Router.build(UPSTREAMS, {}, sections, strict=True)
    dev = Router.build(UPSTREAMS, {}, sections, strict=False)
    assert [m.url for m in dev.candidates("beijing", "ticketing")] == ["http://default:8001"]


def test_bad_route_settings_are_refused():
    with pytest.raises(ValueError, match="timeout_seconds"):
        Router.build(UPSTREAMS, {}, {"x": {"routes": {"ticketing": {"timeout_seconds": 0}}}},
                     strict=False)
