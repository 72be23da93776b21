"""Rendering templates to zh-CN text, and what an SMS of that text costs.

Jinja2's sandbox: template text comes from tenants (saved versions), so it must not reach
Python internals. Undefined names are errors, not empty strings — a message that silently
lost its ticket number is worse than one that is reported as broken."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache

from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment
from opspact.calendar import minute_text

PRIORITY = {"p1": "重大", "p2": "紧急", "p3": "一般", "p4": "低"}
KIND = {"incident": "故障", "service_request": "服务请求", "consultation": "咨询"}
CLOCK = {"response": "响应", "on_site": "到场", "resolution": "解决"}
STATUS = {"new": "新建", "acknowledged": "受理", "dispatched": "派单", "on_site": "到场",
          "waiting_client": "等待客户", "waiting_other_unit": "等待其他单位", "resolved": "解决",
          "closed": "关闭"}
RISK = {"low": "低风险", "medium": "中风险", "high": "高风险"}

# China's SMS providers bill a text of up to 70 characters (signature included) as one
# segment; a longer one is sent concatenated, 67 characters per segment.
SINGLE_SEGMENT = 70
CONCATENATED_SEGMENT = 67


class RenderError(ValueError):
    """A template that cannot render with the data it was given (named in the message)."""


def local_time(value: str | datetime | None) -> str:
    if value is None or value == "":
        return ""
    return minute_text(value if isinstance(value, datetime) else datetime.fromisoformat(str(value)))


def local_date(value: str | None) -> str:
    """2026-12-15 → 2026年12月15日 (a contract's dates are days, already in Shanghai)."""
    if not value:
        return ""
    day = date.fromisoformat(str(value)[:10])
    return f"{day.year}年{day.month}月{day.day}日"


DECISION = {"accepted": "已签收", "rejected": "被退回"}


def truncate_text(value, length: int) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= length else text[:length - 1] + "…"


def _label(table: dict[str, str]):
    return lambda value: table.get(value, value) if value is not None else ""


# What one rendering may produce and compute. Template text comes from tenants and data from
# events, so both are bounded: arithmetic and repetition here (a clear message), time and
# memory by the worker process that renders (notify.render_pool).
MAX_OUTPUT = 10_000        # characters per field and per text (an e-mail body is far shorter)
MAX_POWER_BITS = 4_096     # a number a template computes: 2**4096 is plenty for any message


class RenderLimit(RenderError):
    """A template that exceeds what a rendering may cost (the limit named in the message)."""


class _BoundedSandbox(SandboxedEnvironment):
    # Intercepting also stops Jinja folding these at compile time (9**9**9 would never compile).
    intercepted_binops = frozenset({"**", "*"})

    def call_binop(self, context, operator, left, right):
        if operator == "**" and _is_int(left) and _is_int(right) and abs(left) > 1 and right > 0 \
                and abs(left).bit_length() * right > MAX_POWER_BITS:
            raise RenderLimit(f"{left} ** {right} is larger than a template may compute "
                              f"({MAX_POWER_BITS} bits)")
        if operator == "*":
            sized, times = (left, right) if _is_int(right) else (right, left)
            if isinstance(sized, str | list | tuple) and _is_int(times) \
                    and len(sized) * times > MAX_OUTPUT:
                raise RenderLimit(f"repeating {len(sized)} items {times} times exceeds "
                                  f"{MAX_OUTPUT} characters")
        return super().call_binop(context, operator, left, right)


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _environment() -> SandboxedEnvironment:
    env = _BoundedSandbox(undefined=StrictUndefined, autoescape=False, trim_blocks=True)
    env.filters.update(local_time=local_time, truncate_text=truncate_text,
                       priority_label=_label(PRIORITY), kind_label=_label(KIND),
                       clock_label=_label(CLOCK), status_label=_label(STATUS),
                       risk_label=_label(RISK), local_date=local_date,
                       decision_label=_label(DECISION))
    return env


ENV = _environment()


@dataclass(frozen=True)
class Rendered:
    fields: dict[str, str]
    text: str


def compile_check(source: str, what: str) -> None:
    try:
        ENV.parse(source)
    except TemplateError as exc:
        raise RenderError(f"{what}: {exc}") from None


def render(fields: list[tuple[str, str]] | tuple[tuple[str, str], ...], text: str,
           data: dict) -> Rendered:
    """Render in this process: only the render pool's workers call this (unbounded time)."""
    values = {name: _render_one(f"field {name!r}", expression, data) for name, expression in fields}
    return Rendered(values, _render_one("text", text, values))


@lru_cache(maxsize=512)
def _compiled(source: str):
    # Compiling was nearly all of a rendering's cost (3.6 ms of it for ticket_created);
    # a tenant's few templates and fields compile once per worker.
    return ENV.from_string(source)


def _render_one(what: str, source: str, data: dict) -> str:
    try:
        out = _compiled(source).render(data).strip()
    except RenderError as exc:
        raise type(exc)(f"{what}: {exc}") from None
    except OverflowError as exc:  # the sandbox's range() over 100,000 items, float overflow
        raise RenderLimit(f"{what}: {exc}") from None
    except (TemplateError, TypeError, ValueError, ArithmeticError, LookupError) as exc:
        raise RenderError(f"{what}: {exc}") from None
    if len(out) > MAX_OUTPUT:
        raise RenderLimit(f"{what} renders to {len(out)} characters, over the limit of {MAX_OUTPUT}")
    return out


def sms_length(sign_name: str, text: str) -> int:
    """Characters billed: 【签名】 plus the text."""
    return len(sign_name) + 2 + len(text)


def sms_segments(sign_name: str, text: str) -> int:
    length = sms_length(sign_name, text)
    if length <= SINGLE_SEGMENT:
        return 1
    return -(-length // CONCATENATED_SEGMENT)
