"""Reports off the request path: a report's numbers and charts (matplotlib) and its DOCX,
PDF and XLSX are made in a separate process, so a dense annual report neither holds the
API's CPU (the GIL) nor leaves its hundreds of megabytes in the API process.

One worker process by default (`OPSPACT_REPORT_PROCESSES`; 0 renders in a thread of the API
process, as before), started with `spawn` (forking a process that runs threads and an event
loop is unsafe) on first use at a lower CPU priority (the API comes first when both want the
CPU), and replaced after `RECYCLE_AFTER` jobs so whatever a render leaves behind is given
back to the system."""

from __future__ import annotations

import asyncio
import ctypes
import multiprocessing
import os
import signal
from concurrent.futures import ProcessPoolExecutor
from functools import partial

RECYCLE_AFTER = 50
NICENESS = 10  # the worker yields the CPU to the API (and PostgreSQL) when both want it
PR_SET_PDEATHSIG = 1  # <linux/prctl.h>

_processes = 1
_pool: ProcessPoolExecutor | None = None


def configure(processes: int) -> None:
    global _processes
    _processes = processes


def _executor() -> ProcessPoolExecutor:
    global _pool
    if _pool is None:
        _pool = ProcessPoolExecutor(max_workers=_processes, mp_context=multiprocessing.get_context("spawn"),
                                    max_tasks_per_child=RECYCLE_AFTER, initializer=_start_worker,
                                    initargs=(os.getpid(),))
    return _pool


def _start_worker(api_pid: int) -> None:
    os.nice(NICENESS)
    _die_with(api_pid)


def _die_with(api_pid: int) -> None:
    """The worker ends when the API process does, however it ends. Its task queue's pipe
    never reports the end (the worker holds a copy of the writing end too), so a killed API
    left a 300 MB worker behind for good (seen after `opspact up` restarts)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):  # not Linux: the recycling still bounds a worker's life
        return
    if os.getppid() != api_pid:  # the API ended before the request above took effect
        os._exit(0)


async def run(function, *args, **kwargs):
    """`function(*args, **kwargs)` in the report process (a thread when none is configured);
    the arguments and the result cross as pickles."""
    call = partial(function, *args, **kwargs)
    if _processes <= 0:
        return await asyncio.to_thread(call)
    return await asyncio.get_running_loop().run_in_executor(_executor(), call)


def shutdown() -> None:
    global _pool
    if _pool is not None:
        _pool.shutdown(wait=False, cancel_futures=True)
        _pool = None
