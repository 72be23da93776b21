"""Every date and instant a service takes from outside goes through the one shared type
(`opspact.types.IsoInstant` / `IsoDate`): inside the plausible span, and an instant without
an offset read as Asia/Shanghai. Walks every route of every service rather than trusting a list,
so a new endpoint with a bare `datetime` fails here."""

from __future__ import annotations

import importlib
import typing
from datetime import UTC, date, datetime

import pytest
from pydantic import BaseModel, TypeAdapter, ValidationError

SERVICES = ("ticketing", "inventory", "billing", "notify")


def _mentions(annotation, kinds) -> bool:
    if annotation in kinds:
        return True
    return any(_mentions(a, kinds) for a in typing.get_args(annotation))


def _is_list(annotation) -> bool:
    return typing.get_origin(annotation) is list or any(_is_list(a) for a in typing.get_args(annotation))


def _inputs(app) -> list[tuple[str, object]]:
    """(where, annotation) of every date/datetime a request can carry, bodies walked into
    nested models."""
    found: list[tuple[str, object]] = []
    seen: set[type] = set()

    def walk_model(model: type[BaseModel], where: str) -> None:
        if model in seen:
            return
        seen.add(model)
        for name, field in model.model_fields.items():
            annotation = typing.Annotated[(field.annotation, *field.metadata)] if field.metadata \
                else field.annotation
            walk(annotation, f"{where}.{name}")

    def walk(annotation, where: str) -> None:
        bare = typing.get_args(annotation)[0] if typing.get_origin(annotation) is typing.Annotated \
            else annotation
        if isinstance(bare, type) and issubclass(bare, BaseModel):
            walk_model(bare, where)
            return
        if _mentions(bare, (datetime, date)) and not any(
                isinstance(a, type) and issubclass(a, BaseModel) for a in typing.get_args(bare)):
            found.append((where, annotation))
            return
        for arg in typing.get_args(bare):
            walk(arg, where)

    for route in _routes(app.routes):
        dependant = getattr(route, "dependant", None)
        if dependant is None:
            continue
        params = [*dependant.query_params, *dependant.path_params, *dependant.body_params]
        for sub in dependant.dependencies:
            params += [*sub.query_params, *sub.path_params, *sub.body_params]
        for param in params:
            info = param.field_info
            annotation = typing.Annotated[(info.annotation, *info.metadata)] if info.metadata \
                else info.annotation
            walk(annotation, f"{sorted(route.methods)[0]} {route.path} {param.name}")
    return found


def _routes(routes):
    # FastAPI keeps included routers as branches (0.16x): walk into them.
    for route in routes:
        included = getattr(route, "original_router", None)
        yield from _routes(included.routes) if included is not None else (route,)


def _apps():
    for name in SERVICES:
        yield name, importlib.import_module(f"{name}.main").create_app()


def _value_for(annotation) -> tuple[str, str]:
    """A far past and a naive local value of the right kind."""
    if _mentions(annotation, (datetime,)):
        return "0001-01-01T00:00:00+00:00", "2026-01-01T08:00:00"
    return "0001-01-01", "2026-01-01"


def test_every_date_input_is_checked():
    checked = 0
    for service, app in _apps():
        for where, annotation in _inputs(app):
            adapter = TypeAdapter(annotation)
            far, naive = _value_for(annotation)
            if _is_list(annotation):
                far, naive = [far], [naive]
            with pytest.raises(ValidationError, match="plausible span"):
                adapter.validate_python(far)
                pytest.fail(f"{service}: {where} accepts year 1")
            value = adapter.validate_python(naive)
            value = value[0] if isinstance(value, list) else value
            if isinstance(value, datetime):
                assert value.astimezone(UTC) == datetime(2026, 1, 1, tzinfo=UTC), (service, where)
            checked += 1
    assert checked >= 40  # the walk found the inputs at all


def test_the_span_edges():
    from opspact.types import IsoDate, IsoInstant
    instant, day = TypeAdapter(IsoInstant), TypeAdapter(IsoDate)
    assert day.validate_python("2000-01-01") == date(2000, 1, 1)
    assert day.validate_python("2100-12-31") == date(2100, 12, 31)
    for text in ("1999-12-31", "2101-01-01", "9999-12-31"):
        with pytest.raises(ValidationError, match="plausible span"):
            day.validate_python(text)
    # The edges are Shanghai days: 2000-01-01T00:00+08:00 is in, a minute before is out.
    assert instant.validate_python("2000-01-01T00:00:00+08:00")
    with pytest.raises(ValidationError, match="plausible span"):
        instant.validate_python("1999-12-31T15:59:00+00:00")
    with pytest.raises(ValidationError, match="plausible span"):
        instant.validate_python("9999-12-31T23:59:59-14:00")
    with pytest.raises(ValidationError):
        instant.validate_python("0001-01-01T05:00+22:48")
