"""The gateway's upstream client against small HTTP servers on real sockets, each
answering the way a service (or a failing one) would."""

from __future__ import annotations

import asyncio
import time

import pytest
from opspact import upstream
from opspact.upstream import (
    ConnectFailed,
    Origin,
    UpstreamBroken,
    UpstreamClient,
    UpstreamTimeout,
)


class Server:
    """Reads requests (head + Content-Length body) and answers each with `answer(request,
    n)` → bytes to write, or None to close the connection without answering."""

    def __init__(self, answer) -> None:
        self.answer = answer
        self.connections = 0
        self.requests: list[bytes] = []

    async def __aenter__(self) -> Server:
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.origin = Origin("http", "127.0.0.1", self.server.sockets[0].getsockname()[1])
        return self

    async def __aexit__(self, *exc) -> None:
        self.server.close()

    def drop_connections(self) -> None:
        """Close every open connection from the service's side."""
        for task in asyncio.all_tasks():
            if task.get_coro().__qualname__ == "Server._serve":
                task.cancel()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        served = 0
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = next((int(line.split(b":")[1]) for line in head.split(b"\r\n")
                               if line.lower().startswith(b"content-length:")), 0)
                body = await reader.readexactly(length) if length else b""
                self.requests.append(head + body)
                served += 1
                reply = self.answer(head + body, served)
                if reply is None:
                    break
                if asyncio.iscoroutine(reply):
                    reply = await reply
                writer.write(reply)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()


def ok(body: bytes = b'{"ok":true}', extra: bytes = b"") -> bytes:
    return (b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: "
            + str(len(body)).encode() + b"\r\n" + extra + b"\r\n" + body)


def client(**kw) -> UpstreamClient:
    return UpstreamClient(kw.get("max_connections", 10), kw.get("timeout", 5.0), 1.0)


async def test_keeps_the_connection_alive_and_sends_a_proper_head():
    async with Server(lambda req, n: ok()) as server:
        c = client()
        for _ in range(3):
            answer = await c.request(server.origin, "GET", "/tickets?limit=1",
                                     [(b"authorization", b"Bearer t")])
            assert answer.status == 200 and await answer.read() == b'{"ok":true}'
            assert (b"content-type", b"application/json") in answer.headers
        assert server.connections == 1
        head = server.requests[0].decode()
        assert head.startswith("GET /tickets?limit=1 HTTP/1.1\r\n")
        assert f"host: 127.0.0.1:{server.origin.port}\r\n" in head
        assert "authorization: Bearer t\r\n" in head and "content-length" not in head
        posted = await c.request(server.origin, "POST", "/x", [], b"")
        await posted.read()
        assert b"content-length: 0\r\n" in server.requests[-1]
        await c.close()


async def test_a_connection_the_service_closes_is_not_reused():
    async with Server(lambda req, n: ok(extra=b"connection: close\r\n")) as server:
        c = client()
        for _ in range(2):
            answer = await c.request(server.origin, "GET", "/", [])
            await answer.read()
        assert server.connections == 2


async def test_an_idle_connection_past_the_keep_alive_is_replaced(monkeypatch):
    async with Server(lambda req, n: ok()) as server:
        c = client()
        await (await c.request(server.origin, "GET", "/", [])).read()
        monkeypatch.setattr(upstream, "KEEP_ALIVE_SECONDS", 0.0)
        await (await c.request(server.origin, "GET", "/", [])).read()
        assert server.connections == 2


async def test_a_large_chunked_answer_streams_whole():
    piece = b"x" * 65536
    chunked = b"".join(b"%x\r\n" % len(piece) + piece + b"\r\n" for _ in range(48)) + b"0\r\n\r\n"

    async def slowly(req, n):
        return b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n" + chunked

    async with Server(slowly) as server:
        c = client()
        answer = await c.request(server.origin, "GET", "/export", [])
        assert answer.content_length is None
        total = 0
        async for chunk in answer.stream():
            total += len(chunk)
            await asyncio.sleep(0)  # a slow reader: reading pauses past the high water
        assert total == 48 * 65536
        again = await c.request(server.origin, "GET", "/export", [])
        assert len(await again.read()) == 48 * 65536
        assert server.connections == 1  # the streamed connection went back to the pool


async def test_refused_connection_is_connect_failed():
    async with Server(lambda req, n: ok()) as server:
        origin = server.origin
    with pytest.raises(ConnectFailed):
        await client().request(origin, "GET", "/", [])


async def test_no_answer_in_time_is_a_timeout_and_frees_the_slot():
    async def never(req, n):
        await asyncio.sleep(30)

    async with Server(never) as server:
        c = client(max_connections=1, timeout=0.3)
        started = time.monotonic()
        with pytest.raises(UpstreamTimeout):
            await c.request(server.origin, "GET", "/", [])
        assert time.monotonic() - started < 2
        with pytest.raises(UpstreamTimeout):  # the one slot was given back: it waits again
            await c.request(server.origin, "GET", "/", [], timeout_seconds=0.2)


async def test_the_connection_limit_holds_until_an_answer_is_released():
    async with Server(lambda req, n: ok()) as server:
        c = client(max_connections=1)
        first = await c.request(server.origin, "GET", "/", [])
        with pytest.raises(UpstreamTimeout):
            await c.request(server.origin, "GET", "/", [], timeout_seconds=0.2)
        first.release()
        second = await c.request(server.origin, "GET", "/", [], timeout_seconds=1)
        assert await second.read() == b'{"ok":true}'


def closes_second_request(req, n):
    return ok() if n == 1 else None  # as a keep-alive connection closed under a request


@pytest.mark.parametrize(("method", "headers", "retried"), [
    ("GET", [], True),
    ("DELETE", [], True),
    ("POST", [(b"idempotency-key", b"k-1")], True),
    ("POST", [], False),
])
async def test_a_reused_connection_closed_before_answering(method, headers, retried):
    async with Server(closes_second_request) as server:
        c = client()
        await (await c.request(server.origin, "GET", "/", [])).read()
        if retried:
            answer = await c.request(server.origin, method, "/", headers, b"{}")
            assert await answer.read() == b'{"ok":true}'
            assert server.connections == 2
        else:  # it may have been applied: the caller hears so instead of a second attempt
            with pytest.raises(UpstreamBroken):
                await c.request(server.origin, method, "/", headers, b"{}")


async def test_a_malformed_answer_is_broken():
    async with Server(lambda req, n: b"HTTP/1.1 abc\r\n\r\n") as server:
        with pytest.raises(UpstreamBroken):
            await client().request(server.origin, "GET", "/", [])


async def test_an_answer_cut_short_is_broken():
    async def short(req, n):
        return b"HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\nonly this"

    async with Server(lambda req, n: short(req, n) if n == 1 else None) as server:
        answer = await client().request(server.origin, "GET", "/", [])
        server.drop_connections()  # mid-body
        with pytest.raises(UpstreamBroken):
            await answer.read()


async def test_an_answer_delimited_by_the_close_is_whole():
    """Neither Content-Length nor chunked: the body runs until the server closes."""
    async def until_close(req, n):
        return b"HTTP/1.1 200 OK\r\nconnection: close\r\n\r\n" + b'{"Code":"OK","n":' + str(n).encode() + b"}"

    async with Server(lambda req, n: until_close(req, n) if n == 1 else None) as server:
        answer = await client().request(server.origin, "POST", "/sms", [], b"{}")
        server.drop_connections()  # the close that ends the body
        assert (answer.status, await answer.read()) == (200, b'{"Code":"OK","n":1}')


@pytest.mark.parametrize(("method", "target", "headers"), [
    ("GET", "/a b", []),
    ("GET", "no-slash", []),
    ("GET", "/x", [(b"x-evil", b"a\r\nhost: elsewhere")]),
    ("HEAD", "/x", []),
])
async def test_what_cannot_go_on_the_wire_is_refused(method, target, headers):
    with pytest.raises(ValueError):
        await client().request(Origin("http", "127.0.0.1", 9), method, target, headers)


def test_origins():
    assert Origin.of("http://ticketing:8001") == Origin("http", "ticketing", 8001)
    assert Origin.of("https://lb.example") == Origin("https", "lb.example", 443)
    assert Origin.of("https://lb.example").host_header == b"lb.example"
    assert Origin.of("http://[::1]:8001").host_header == b"[::1]:8001"
    with pytest.raises(ValueError):
        Origin.of("ftp://x")


async def test_a_connection_closed_under_the_write_is_retried_not_raised():
    async with Server(lambda req, n: ok()) as server:
        c = client()
        await (await c.request(server.origin, "GET", "/", [])).read()
        idle = c._idle[server.origin][0]
        idle.transport.close()  # closing, and connection_lost not yet delivered
        answer = await c.request(server.origin, "GET", "/", [])
        assert await answer.read() == b'{"ok":true}' and server.connections == 2


async def test_a_connection_the_service_closed_while_idle_is_not_reused():
    async with Server(lambda req, n: ok()) as server:
        c = client()
        await (await c.request(server.origin, "GET", "/", [])).read()
        server.drop_connections()  # the service drops its idle keep-alive connection
        await asyncio.sleep(0.1)
        assert c._idle[server.origin][0].closed
        answer = await c.request(server.origin, "POST", "/", [], b"{}")  # no retry needed
        assert await answer.read() == b'{"ok":true}' and server.connections == 2
