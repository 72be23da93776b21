"""Templates rendered off the event loop, with bounded time and memory.

A tenant's template (and the event data it is given) can ask for any amount of work: a
loop in a loop, a huge number, a huge string. Rendering in the notify process would stall
its event loop — the health checks, the SMS sender, every other tenant. So every rendering
(preview, save, the real sends) goes to a worker process: the caller waits in a thread, a
rendering that takes longer than `SECONDS` gets its worker killed and replaced and is
refused (`RenderLimit`), and each worker lives under an address-space limit, so a template
that builds a gigabyte fails with MemoryError in the worker instead of growing notify.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import resource
import threading
from multiprocessing.connection import Connection

from notify import rendering

log = logging.getLogger(__name__)
SECONDS = 2.0              # wall clock per rendering (a normal one takes about a millisecond)
MEMORY_BYTES = 96 << 20    # address space on top of the worker's after start-up: two workers
# at their limit, the forkserver and notify itself stay within its 512 Mi (deploy/k8s)
WORKERS = 2


def _virtual_size() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


def _serve(conn: Connection, memory_bytes: int) -> None:
    """The worker: one rendering per request until the parent closes the pipe."""
    limit = _virtual_size() + memory_bytes
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    os.nice(10)  # a template burning its 2 s yields the CPU to notify itself
    while True:
        try:
            fields, text, data = conn.recv()
        except (EOFError, OSError):
            return
        try:
            answer = ("ok", rendering.render(fields, text, data))
        except rendering.RenderLimit as exc:
            answer = ("limit", str(exc))
        except rendering.RenderError as exc:
            answer = ("error", str(exc))
        except MemoryError:
            answer = ("limit", f"needs more than {memory_bytes >> 20} MB of memory")
        except RecursionError:
            answer = ("limit", "nests too deeply")
        conn.send(answer)


class _Worker:
    def __init__(self, context, memory_bytes: int) -> None:
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(child, memory_bytes), daemon=True,
                                       name="notify-render")
        self.process.start()
        child.close()

    def call(self, request: tuple, seconds: float) -> tuple[str, object]:
        self.conn.send(request)
        if not self.conn.poll(seconds):
            return "timeout", None
        return self.conn.recv()

    def kill(self) -> None:
        self.process.kill()
        self.process.join(5)
        self.conn.close()


class RenderPool:
    def __init__(self, workers: int = WORKERS, seconds: float = SECONDS,
                 memory_bytes: int = MEMORY_BYTES) -> None:
        # forkserver: never fork the service process itself (its threads, its sockets)
        self._context = multiprocessing.get_context("forkserver")
        self._context.set_forkserver_preload(["notify.rendering"])
        self.seconds, self.memory_bytes = seconds, memory_bytes
        self._idle: list[_Worker] = []
        self._slots = threading.BoundedSemaphore(workers)
        self._lock = threading.Lock()

    def _take(self) -> _Worker:
        with self._lock:
            if self._idle:
                return self._idle.pop()
        return _Worker(self._context, self.memory_bytes)

    def render_blocking(self, fields, text: str, data: dict) -> rendering.Rendered:
        with self._slots:
            worker = self._take()
            try:
                status, value = worker.call((list(fields), text, data), self.seconds)
            except (EOFError, OSError) as exc:  # the worker died (killed from outside, a crash)
                worker.kill()
                raise rendering.RenderLimit(f"the rendering process ended: {exc!r}") from None
            if status == "timeout":
                worker.kill()
                raise rendering.RenderLimit(f"takes longer than {self.seconds:g} s to render")
            with self._lock:
                self._idle.append(worker)
        if status == "ok":
            return value
        raise (rendering.RenderLimit if status == "limit" else rendering.RenderError)(value)

    async def render(self, fields, text: str, data: dict) -> rendering.Rendered:
        return await asyncio.to_thread(self.render_blocking, fields, text, data)

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for worker in idle:
            worker.kill()


_POOL: RenderPool | None = None


def pool() -> RenderPool:
    """The process's pool, started on first use (nothing starts at import)."""
    global _POOL
    if _POOL is None:
        _POOL = RenderPool()
    return _POOL


async def render(fields, text: str, data: dict) -> rendering.Rendered:
    return await pool().render(fields, text, data)
