"""Inventory's slice of a tenant file: on-site posts."""

import pytest
from inventory.tenant_settings import validate
from pydantic import ValidationError


def test_posts_are_normalised():
    out = validate({"posts": [{"code": "onsite", "name": "驻场运维", "headcount": 2,
                               "coverage": "7x24"}]})
    assert out["posts"][0]["headcount"] == 2


@pytest.mark.parametrize("post", [
    {"code": "onsite", "name": "驻场", "headcount": 0, "coverage": "7x24"},
    {"code": "onsite", "name": "驻场", "headcount": 1, "coverage": "24x7"},
    {"code": "On Site", "name": "驻场", "headcount": 1, "coverage": "5x8"},
    {"code": "onsite", "name": "驻场", "headcount": 1, "coverage": "5x8", "phone": "x"},
])
def test_bad_posts_are_refused(post):
    with pytest.raises(ValidationError):
        validate({"posts": [post]})
