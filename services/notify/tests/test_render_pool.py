"""Rendering has bounded time, memory and output, off the caller's event loop (issue:
hardening, templates that run forever)."""

import asyncio
import time

import pytest
from notify import rendering
from notify.render_pool import RenderPool


@pytest.fixture(scope="module")
def pool():
    pool = RenderPool(workers=2, seconds=1.0, memory_bytes=64 << 20)
    yield pool
    pool.close()


def one(pool, expression: str, data: dict | None = None) -> str:
    return pool.render_blocking([("x", expression)], "{{ x }}", data or {}).text


def test_an_ordinary_template_renders(pool):
    assert one(pool, "{{ n }}号 {{ t|truncate_text(4) }}", {"n": 7, "t": "很长的标题"}) == "7号 很长的…"


@pytest.mark.parametrize(("expression", "limit"), [
    ("{{ (7 ** 8000000) % 2 }}", "4096 bits"),
    ("{{ 9 ** (9 ** 9) }}", "4096 bits"),  # Jinja's ** groups to the left: 9**9**9 is small
    ("{{ 'x' * 100000000 }}", "10000 characters"),
    ("{{ range(100001)|list|length }}", "100000"),
    ("{% for i in range(100) %}{{ 'x' * 200 }}{% endfor %}", "over the limit of 10000"),
])
def test_arithmetic_and_repetition_are_bounded(pool, expression, limit):
    with pytest.raises(rendering.RenderLimit, match=limit):
        one(pool, expression)


def test_a_loop_that_runs_too_long_is_stopped_and_the_pool_recovers(pool):
    started = time.monotonic()
    with pytest.raises(rendering.RenderLimit, match="longer than 1 s"):
        one(pool, "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}")
    assert time.monotonic() - started < 5
    assert one(pool, "{{ 1 + 1 }}") == "2"  # a fresh worker took the killed one's place


def test_memory_is_bounded(pool):
    with pytest.raises(rendering.RenderLimit, match="64 MB of memory"):
        one(pool, "{% set ns = namespace(s='x' * 9000) %}{% for i in range(20) %}"
                  "{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s|length }}")
    assert one(pool, "ok") == "ok"


def test_the_sandbox_still_holds(pool):
    with pytest.raises(rendering.RenderError):
        one(pool, "{{ ''.__class__.__mro__[1].__subclasses__() }}")


async def test_the_event_loop_keeps_running_while_a_bad_template_renders(pool):
    bad = asyncio.ensure_future(pool.render(
        [("x", "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}")],
        "{{ x }}", {}))
    gaps = []
    for _ in range(20):
        before = time.monotonic()
        await asyncio.sleep(0.02)
        gaps.append(time.monotonic() - before)
    assert max(gaps) < 0.1
    with pytest.raises(rendering.RenderLimit):
        await bad
