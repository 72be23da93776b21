"""The report worker process (ticketing.reports.pool) ends with the API process that
started it, even when that process is killed outright."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

from opspact.testing.plugin import wait_until

API = textwrap.dedent("""
    import asyncio, os, sys, time
    from ticketing.reports import pool

    pool.configure(1)
    print(asyncio.run(pool.run(os.getpid)), flush=True)
    time.sleep(120)
""")


def test_the_report_worker_dies_with_a_killed_api_process():
    api = subprocess.Popen([sys.executable, "-c", API], stdout=subprocess.PIPE, text=True)
    try:
        worker = int(api.stdout.readline())
        assert worker != api.pid and _alive(worker)
        os.kill(api.pid, signal.SIGKILL)
        api.wait(10)
        wait_until(lambda: not _alive(worker), timeout=10, interval=0.1,
                   message="the report worker to end with its API process")
    finally:
        if api.poll() is None:
            api.kill()


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False
