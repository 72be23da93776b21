"""The HTTP/1.1 client OpsPact uses between its own processes: the gateway to the services
(and to the console), the console to the gateway.

Why not aiohttp (used until session 11): two minimal proxies built side by side, one
forwarding with aiohttp and one with a protocol on httptools' parser, added 1.0 ms and
0.36 ms to a proxied call on this machine (aiohttp's client cost ~550 µs of CPU per call).
Every client request passes here, so the gateway keeps the small client it needs:

- one keep-alive pool per origin (http or https), at most `max_connections` calls in
  flight; an idle connection is reused for `KEEP_ALIVE_SECONDS` only, under uvicorn's
  5 s keep-alive, so the service never closes one under a request we are writing;
- a connect timeout, and a total timeout per call covering the wait for a connection,
  the answer's head and its body (a streamed body: each read within the same deadline);
- bodies by Content-Length or chunked (httptools); a large answer streams with
  back-pressure (reading pauses while `HIGH_WATER` bytes wait for the client);
- a reused connection found closed before any answer byte is retried once on a new one
  for idempotent calls (GET, PUT, DELETE, or carrying an Idempotency-Key, RFC 9110 §9.2.2).

Errors say what the caller may do: `ConnectFailed` (nothing was sent: another member may
take the call), `UpstreamTimeout`, `UpstreamBroken` (sent; the outcome is unknown)."""

from __future__ import annotations

import asyncio
import ssl
import time
from collections import deque
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import httptools

KEEP_ALIVE_SECONDS = 4.0
HIGH_WATER = 1024 * 1024
METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE"})
IDEMPOTENT = frozenset({"GET", "PUT", "DELETE"})


class UpstreamError(Exception):
    pass


class ConnectFailed(UpstreamError):
    """No connection: the request was not sent."""


class UpstreamTimeout(UpstreamError):
    pass


class UpstreamBroken(UpstreamError):
    """The connection failed or the answer was malformed after the request was sent."""


@dataclass(frozen=True)
class Origin:
    scheme: str
    host: str
    port: int

    @classmethod
    def of(cls, url: str) -> Origin:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"not an http(s) origin: {url!r}")
        return cls(parts.scheme, parts.hostname,
                   parts.port or (443 if parts.scheme == "https" else 80))

    @property
    def host_header(self) -> bytes:
        default = 443 if self.scheme == "https" else 80
        host = f"[{self.host}]" if ":" in self.host else self.host
        return (host if self.port == default else f"{host}:{self.port}").encode("ascii")


class _Connection(asyncio.Protocol):
    """One keep-alive connection; one exchange at a time."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.closed = False
        self.idle_since = 0.0
        self._parser = httptools.HttpResponseParser(self)
        self._begin_exchange()

    def _begin_exchange(self) -> None:
        self.status = 0
        self.headers: list[tuple[bytes, bytes]] = []
        self.chunks: deque[bytes] = deque()
        self.buffered = 0
        self.received_any = False
        self.complete = False
        self.keep_alive = False
        self.head_ready: asyncio.Future | None = None
        self._wakeup: asyncio.Future | None = None
        self._paused = False
        self._error: UpstreamError | None = None

    # -- asyncio.Protocol ---------------------------------------------------------
    def connection_made(self, transport) -> None:
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.received_any = True
        try:
            self._parser.feed_data(data)
        except httptools.HttpParserError as exc:
            self._fail(UpstreamBroken(f"malformed answer: {exc}"))
            self.close()

    def eof_received(self) -> bool:
        self.closed = True  # the service is closing it: never reuse it from here on
        return False  # close our side too

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        if self.complete:
            return
        if exc is None and self._ends_at_close():
            self.complete = True  # its close is its end
            self._wake()
            return
        self._fail(UpstreamBroken("the connection closed before the answer was complete"))

    def _ends_at_close(self) -> bool:
        """An answer whose head came with neither Content-Length nor chunked coding: its body
        runs until the connection closes (RFC 9112 §6.3; older servers and HTTP/1.0 answer
        so — a customer's own SMS gateway may)."""
        if not self.status:
            return False
        chunked = any(name == b"transfer-encoding" and b"chunked" in value.lower()
                      for name, value in self.headers)
        return not chunked and all(name != b"content-length" for name, _ in self.headers)

    # -- httptools callbacks --------------------------------------------------------
    def on_header(self, name: bytes, value: bytes) -> None:
        self.headers.append((name.lower(), value))

    def on_headers_complete(self) -> None:
        self.status = self._parser.get_status_code()
        if self.head_ready is not None and not self.head_ready.done():
            self.head_ready.set_result(None)

    def on_body(self, body: bytes) -> None:
        self.chunks.append(body)
        self.buffered += len(body)
        if self.buffered > HIGH_WATER and not self._paused and self.transport is not None:
            self._paused = True
            self.transport.pause_reading()
        self._wake()

    def on_message_complete(self) -> None:
        self.complete = True
        self.keep_alive = self._parser.should_keep_alive()
        self._wake()

    # -- the exchange ---------------------------------------------------------------
    def _fail(self, error: UpstreamError) -> None:
        self._error = error
        if self.head_ready is not None and not self.head_ready.done():
            self.head_ready.set_exception(error)
        self._wake()

    def _wake(self) -> None:
        if self._wakeup is not None and not self._wakeup.done():
            self._wakeup.set_result(None)

    def send(self, head: bytes, body: bytes) -> asyncio.Future:
        self._begin_exchange()
        self.head_ready = asyncio.get_running_loop().create_future()
        try:
            self.transport.write(head + body if len(body) < 65536 else head)
            if len(body) >= 65536:
                self.transport.write(body)
        except (RuntimeError, OSError) as exc:  # closed under us (uvloop raises on a closed handle)
            self._fail(UpstreamBroken(f"the connection closed before the request was sent: {exc}"))
        return self.head_ready

    async def next_chunk(self) -> bytes | None:
        """The next piece of the body; None once it is complete."""
        while not self.chunks:
            if self.complete:
                return None
            if self._error is not None:
                raise self._error
            self._wakeup = asyncio.get_running_loop().create_future()
            await self._wakeup
        chunk = self.chunks.popleft()
        self.buffered -= len(chunk)
        if self._paused and self.buffered <= HIGH_WATER // 2 and self.transport is not None:
            self._paused = False
            self.transport.resume_reading()
        return chunk

    def close(self) -> None:
        self.closed = True
        if self.transport is not None:
            self.transport.close()


@dataclass
class Answer:
    """An upstream's answer: its head now, its body by `read()` or `stream()`; `release()`
    (also after an error) gives the connection back or closes it."""
    status: int
    headers: list[tuple[bytes, bytes]]
    _connection: _Connection
    _client: UpstreamClient
    _origin: Origin
    _deadline: float
    _released: bool = field(default=False)

    @property
    def content_length(self) -> int | None:
        for name, value in self.headers:
            if name == b"content-length":
                return int(value) if value.isdigit() else None
        return None

    async def read(self) -> bytes:
        connection = self._connection
        if connection.complete:  # most answers arrive whole with their head
            body = b"".join(connection.chunks)
            connection.chunks.clear()
            self.release()
            return body
        return b"".join([chunk async for chunk in self.stream()])

    async def stream(self) -> AsyncIterator[bytes]:
        try:
            while True:
                chunk = await self._client._within(self._deadline,
                                                   self._connection.next_chunk())
                if chunk is None:
                    return
                yield chunk
        finally:
            self.release()

    def release(self) -> None:
        if self._released:
            return
        self._released = True
        self._client._give_back(self._origin, self._connection)


class UpstreamClient:
    def __init__(self, max_connections: int, timeout_seconds: float,
                 connect_timeout: float, tls: ssl.SSLContext | None = None) -> None:
        """`tls`: for https origins (default: the system's CA store)."""
        self.timeout_seconds = timeout_seconds
        self.connect_timeout = connect_timeout
        self._slots = asyncio.Semaphore(max_connections)
        self._idle: dict[Origin, deque[_Connection]] = {}
        self._tls = tls or ssl.create_default_context()

    async def request(self, origin: Origin, method: str, target: str,
                      headers: list[tuple[bytes, bytes]], body: bytes = b"",
                      timeout_seconds: float | None = None) -> Answer:
        """`target` is the path and query as they go on the request line; `headers`
        (lower-case names) must carry neither Host nor Content-Length. The answer holds its
        connection (and its place among `max_connections`) until released."""
        head = _request_head(origin, method, target, headers, body)
        deadline = asyncio.get_running_loop().time() + (timeout_seconds or self.timeout_seconds)
        retry = method in IDEMPOTENT or any(n == b"idempotency-key" for n, _ in headers)
        if self._slots.locked():
            await self._within(deadline, self._slots.acquire())
        else:
            await self._slots.acquire()  # free: no timer needed
        try:
            while True:
                connection, reused = await self._connection(origin, deadline)
                try:
                    await self._within(deadline, connection.send(head, body))
                except UpstreamBroken:
                    connection.close()
                    if reused and retry and not connection.received_any:
                        retry = False  # the service had closed it: once more, on a new one
                        continue
                    raise
                except BaseException:
                    connection.close()
                    raise
                return Answer(connection.status, connection.headers, connection, self, origin,
                              deadline)
        except BaseException:
            self._slots.release()
            raise

    async def close(self) -> None:
        for pool in self._idle.values():
            while pool:
                pool.pop().close()

    # -- internals ------------------------------------------------------------------
    async def _connection(self, origin: Origin, deadline: float) -> tuple[_Connection, bool]:
        pool = self._idle.get(origin)
        now = time.monotonic()
        while pool:
            connection = pool.pop()
            if not connection.closed and now - connection.idle_since < KEEP_ALIVE_SECONDS:
                return connection, True
            connection.close()
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout(min(self.connect_timeout, max(0.0, deadline - loop.time()))):
                _, connection = await loop.create_connection(
                    _Connection, origin.host, origin.port,
                    ssl=self._tls if origin.scheme == "https" else None)
        except TimeoutError as exc:
            raise ConnectFailed(f"connecting to {origin.host}:{origin.port} timed out") from exc
        except OSError as exc:
            raise ConnectFailed(f"cannot connect to {origin.host}:{origin.port}: {exc}") from exc
        return connection, False

    async def _within(self, deadline: float, awaitable):
        try:
            async with asyncio.timeout_at(deadline):
                return await awaitable
        except TimeoutError as exc:
            raise UpstreamTimeout("the upstream did not answer in time") from exc

    def _give_back(self, origin: Origin, connection: _Connection) -> None:
        self._slots.release()
        if connection.complete and connection.keep_alive and not connection.closed:
            connection.idle_since = time.monotonic()
            self._idle.setdefault(origin, deque()).append(connection)
        else:
            connection.close()


def _request_head(origin: Origin, method: str, target: str,
                  headers: list[tuple[bytes, bytes]], body: bytes) -> bytes:
    if method not in METHODS:
        raise ValueError(f"method {method!r} is not forwarded")  # HEAD's answer has no body
    if not target.startswith("/") or any(c in target for c in " \r\n"):
        raise ValueError(f"invalid request target {target!r}")
    lines = [f"{method} {target} HTTP/1.1\r\n".encode("latin-1"), b"host: ", origin.host_header,
             b"\r\n"]
    for name, value in headers:
        if b"\r" in value or b"\n" in value or b"\r" in name or b"\n" in name:
            raise ValueError(f"header {name!r} carries a line break")
        lines += [name, b": ", value, b"\r\n"]
    if body or method in ("POST", "PUT", "PATCH"):
        lines += [b"content-length: ", str(len(body)).encode(), b"\r\n"]
    lines.append(b"\r\n")
    return b"".join(lines)
