"""Leader-elected loops with several replicas: exactly one leads, and when the leader's
process is killed the standby takes over at its next try (the advisory lock dies with the
killed process's connection). Seen from outside, as an operator would: each process's
`opspact_leader` gauge on its metrics port."""

import re
import time

import httpx
from opspact.cli.stack import listen_ports
from opspact.testing.plugin import wait_until

LOOP = "sla-scheduler:ticketing"


def leading(port: int) -> bool:
    try:
        text = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text
    except httpx.HTTPError:
        return False
    found = re.search(r'^opspact_leader\{loop="' + re.escape(LOOP) + r'"\} (\S+)$', text, re.M)
    return bool(found and float(found.group(1)) == 1.0)


def answers(port: int) -> bool:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5).status_code == 200
    except httpx.HTTPError:
        return False


def test_the_standby_takes_over_the_sla_scheduler_when_the_leader_is_killed(stack):
    standby_port = listen_ports(["standby"], taken=stack.ports.values())["standby"]
    app_port = stack.ports["ticketing-metrics"]
    stack.start_module("ticketing-standby", "ticketing.workers", "ticketing",
                       {"OPSPACT_METRICS_PORT": str(standby_port)})
    try:
        wait_until(lambda: answers(standby_port), 30, message="the standby's metrics")
        wait_until(lambda: leading(app_port) != leading(standby_port), 30, message="exactly one leader")
        time.sleep(2)  # still exactly one, a little later
        assert leading(app_port) != leading(standby_port)
        app_leads = leading(app_port)
        stack.kill_process("ticketing" if app_leads else "ticketing-standby")
        killed_at = time.monotonic()
        survivor = standby_port if app_leads else app_port
        wait_until(lambda: leading(survivor), 15, interval=0.1, message="the survivor to lead")
        took = time.monotonic() - killed_at
        print(f"\ntake-over of {LOOP} in {took:.2f} s")
        assert took < 5  # the standby tries the lock every second
    finally:
        stack.stop_process("ticketing-standby")
        if "ticketing" not in stack.procs:
            stack.start_process("ticketing")
