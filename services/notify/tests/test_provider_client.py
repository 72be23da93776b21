"""The providers' HTTP client on a real socket: what goes on the wire, what comes back, and
each failure in notify's terms (nothing sent: Unavailable; sent, no answer: OutcomeUnknown)."""

from __future__ import annotations

import asyncio
import json

import pytest
from notify.channels.base import OutcomeUnknown, Unavailable, call
from notify.channels.http import ProviderClient


async def provider(behaviour: str, seen: list[bytes]):
    """A one-port HTTP server: `answer` answers 200 with JSON, `silent` never answers,
    `hang_up` closes once it has the request."""
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        length = next((int(line.split(b":")[1]) for line in head.split(b"\r\n")
                       if line.lower().startswith(b"content-length:")), 0)
        seen.append(head + await reader.readexactly(length))
        if behaviour == "answer":
            body = json.dumps({"Code": "OK", "名": "值"}, ensure_ascii=False).encode()
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Request-Id: r1\r\n"
                         b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
            await writer.drain()
        elif behaviour == "silent":
            await asyncio.sleep(5)
        writer.close()
    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    return server, f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}"


async def test_a_request_goes_out_as_the_adapter_wrote_it_and_the_answer_comes_back():
    seen: list[bytes] = []
    server, base = await provider("answer", seen)
    async with server, ProviderClient() as client:
        response = await call(client, "test", "POST", f"{base}/sms?Action=Send",
                              params={"Phone": "13800000001", "Text": "工单 1"},
                              headers={"Host": "ignored", "X-TC-Action": "SendSms"},
                              json={"content": "缴费平台故障"}, timeout=2)
    assert response.status_code == 200 and response.headers["x-request-id"] == "r1"
    assert response.json() == {"Code": "OK", "名": "值"} and "值" in response.text
    head, _, body = seen[0].partition(b"\r\n\r\n")
    lines = head.decode().split("\r\n")
    assert lines[0] == "POST /sms?Action=Send&Phone=13800000001&Text=%E5%B7%A5%E5%8D%95+1 HTTP/1.1"
    headers = [line.lower() for line in lines[1:]]
    assert headers.count(f"host: {base.removeprefix('http://')}") == 1
    assert "x-tc-action: sendsms" in headers and "content-type: application/json" in headers
    assert json.loads(body) == {"content": "缴费平台故障"}


async def test_no_connection_is_unavailable_and_no_answer_is_an_unknown_outcome():
    seen: list[bytes] = []
    async with ProviderClient() as client:
        closed, base = await provider("answer", seen)
        closed.close()
        await closed.wait_closed()
        with pytest.raises(Unavailable, match="ConnectFailed"):
            await call(client, "test", "POST", f"{base}/sms", json={}, timeout=2)
        for behaviour, error in (("silent", "UpstreamTimeout"), ("hang_up", "UpstreamBroken")):
            server, base = await provider(behaviour, seen)
            async with server:
                with pytest.raises(OutcomeUnknown, match=error):
                    await call(client, "test", "POST", f"{base}/sms", json={"n": 1}, timeout=0.5)
    assert len(seen) == 2  # both were sent: neither may be sent blindly again
