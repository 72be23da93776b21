"""Each person's signed documents as scans (xinjiang 1.5-1: 政治责任书、信息安全保密协议、信息安全
责任书, and the background check): uploaded byte for byte with their SHA-256, the date on the
scan made the paperwork's date, and the register the client checks of who has signed what."""

from __future__ import annotations

import hashlib
import uuid

from opspact.testing.plugin import auth

INVENTORY = "/api/inventory"
MANAGER = auth("xinjiang", "vendor_manager")
SCAN = "%PDF-1.4\n% 信息安全保密协议（扫描件，测试）\n%%EOF\n".encode()
PHOTO = b"\xff\xd8\xff\xe0" + b"\x00" * 200


def person(gateway) -> str:
    code = f"doc-{uuid.uuid4().hex[:8]}"
    r = gateway.post(f"{INVENTORY}/staff", headers=MANAGER, json={
        "code": code, "name": "驻场工程师（测试）", "role": "驻场工程师"})
    assert r.status_code == 201, r.text
    return code


def upload(gateway, code: str, kind: str, data: bytes, name: str, on: str = "2025-01-06", headers=None):
    return gateway.post(f"{INVENTORY}/staff/{code}/documents/{kind}", content=data,
                        params={"filename": name, "signed_on": on},
                        headers={**(headers or MANAGER), "Content-Type": "application/octet-stream"})


def test_a_scan_is_kept_and_dates_the_paperwork(gateway):
    code = person(gateway)
    r = upload(gateway, code, "confidentiality", SCAN, "保密协议.pdf")
    assert r.status_code == 201, r.text
    doc = r.json()
    assert (doc["name"], doc["signed_on"], doc["sha256"]) == (
        "信息安全保密协议", "2025-01-06", hashlib.sha256(SCAN).hexdigest())
    got = gateway.get(f"{INVENTORY}{doc['href']}", headers=auth("xinjiang", "client_admin"))
    assert got.status_code == 200 and got.content == SCAN and got.headers["x-content-sha256"] == doc["sha256"]
    staff = next(s for s in gateway.get(f"{INVENTORY}/staff", headers=MANAGER).json() if s["code"] == code)
    assert staff["paperwork"]["confidentiality_signed_on"] == "2025-01-06"
    # a signed-again copy is the current one; the earlier stays
    r = upload(gateway, code, "confidentiality", PHOTO, "保密协议（重签）.jpg", on="2025-07-01")
    assert r.status_code == 201 and r.json()["content_type"] == "image/jpeg", r.text
    assert [d["signed_on"] for d in gateway.get(f"{INVENTORY}/staff/{code}/documents",
                                                headers=MANAGER).json()] == ["2025-01-06", "2025-07-01"]
    register = {p["staff"]: p for p in gateway.get(f"{INVENTORY}/staff-documents",
                                                   headers=auth("xinjiang", "client_admin")).json()}
    mine = register[code]
    assert mine["documents"]["confidentiality"]["signed_on"] == "2025-07-01"
    assert mine["documents"]["background_check"] is None
    assert mine["missing"] == ["政治责任书", "信息安全责任书", "背景审查"]


def test_bad_scans_say_what_is_wrong(gateway):
    code = person(gateway)
    for data, name, status, words in [(b"just text", "协议.txt", 415, "a scan is a PDF or an image"),
                                      (b"", "空.pdf", 422, "the body is empty"),
                                      (SCAN + b"0" * (10 * 1024 * 1024), "大.pdf", 413, "at most")]:
        r = upload(gateway, code, "political_responsibility", data, name)
        assert r.status_code == status and words in r.json()["detail"], (name, r.text)
    assert upload(gateway, "no-such-person", "confidentiality", SCAN, "x.pdf").status_code == 404
    assert upload(gateway, code, "marriage", SCAN, "x.pdf").status_code == 422
    no_date = gateway.post(f"{INVENTORY}/staff/{code}/documents/confidentiality", content=SCAN,
                           params={"filename": "x.pdf"},
                           headers={**MANAGER, "Content-Type": "application/octet-stream"})
    assert no_date.status_code == 422 and "signed_on" in no_date.text
    engineer = upload(gateway, code, "confidentiality", SCAN, "x.pdf",
                      headers=auth("xinjiang", "vendor_engineer"))
    assert engineer.status_code == 403
    assert gateway.get(f"{INVENTORY}/staff/{code}/documents", headers=MANAGER).json() == []
    viewer = gateway.get(f"{INVENTORY}/staff-documents", headers=auth("xinjiang", "client_viewer"))
    assert viewer.status_code == 403
