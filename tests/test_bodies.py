"""Bodies that cost too much (issue 21): a GET carrying 200 MB is refused from its headers,
unread; spreadsheet imports that unpack or count past their limits are refused."""

import socket

import httpx
import pytest
from opspact.testing.plugin import auth, token
from opspact.testing.workbooks import xlsx_with

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _raw_request(port: int, head: str, body_prefix: bytes) -> bytes:
    """Send a request line and headers declaring a huge body, then only its first bytes:
    the answer must come without the rest."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(head.encode() + body_prefix)
        answer = b""
        while b"\r\n\r\n" not in answer:
            chunk = sock.recv(65536)
            if not chunk:
                break
            answer += chunk
        return answer


@pytest.mark.parametrize("method", ["GET", "DELETE", "HEAD"])
def test_a_body_where_none_is_taken_is_refused_unread(stack, method):
    port = int(stack.url("gateway").rsplit(":", 1)[1])
    head = (f"{method} /api/ticketing/tickets HTTP/1.1\r\nHost: x\r\n"
            f"Authorization: Bearer {token('xinjiang', 'vendor_manager')}\r\n"
            "Content-Type: application/json\r\nContent-Length: 209715200\r\n\r\n")
    answer = _raw_request(port, head, b"{" + b" " * 65536)
    assert answer.startswith(b"HTTP/1.1 400"), answer[:200]
    if method != "HEAD":
        assert b"application/problem+json" in answer


def test_chunked_get_is_refused_and_a_plain_get_still_works(gateway):
    r = gateway.request("GET", "/api/ticketing/tickets", headers=auth("xinjiang", "vendor_manager"),
                        content=iter([b"{}"]))  # a generator: sent chunked
    assert r.status_code == 400 and "carries no body" in r.json()["detail"]
    plain = gateway.get("/api/ticketing/tickets", headers=auth("xinjiang", "vendor_manager"))
    assert plain.status_code == 200


def test_costly_asset_imports_are_refused_and_inventory_keeps_answering(stack, gateway):
    headers = {**auth("zhuhai", "vendor_manager"), "Content-Type": XLSX}
    one_huge_string = "<sst><si><t>" + "x" * (100 << 20) + "</t></si></sst>"
    bomb = xlsx_with(extra_parts={"xl/sharedStrings.xml": one_huge_string})
    r = gateway.post("/api/inventory/assets/import", content=bomb, headers=headers)
    assert r.status_code == 422 and "unpacks to" in r.json()["detail"], r.text
    empty_rows = xlsx_with("".join(f'<row r="{i}"><c r="A{i}" s="0"/></row>' for i in range(2, 150002)),
                           dimension="")
    assert len(empty_rows) < 1024 * 1024
    r = gateway.post("/api/inventory/assets/import", content=empty_rows, headers=headers)
    assert r.status_code == 422 and "more than 5000 rows" in r.json()["detail"], r.text
    assert httpx.get(f"{stack.url('inventory')}/healthz").status_code == 200


def test_a_csv_of_blank_lines_is_refused(gateway):
    r = gateway.post("/api/ticketing/tickets/import",
                     content=b"import_id,system,title,created_at\n" + b"\n" * 900_000,
                     headers={**auth("zhuhai", "vendor_manager"), "Content-Type": "text/csv"})
    assert r.status_code == 422 and "more than" in r.json()["detail"], r.text
