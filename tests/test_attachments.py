"""Files on tickets and comments: typed by their bytes, limited in size, stored in
PostgreSQL or an S3-compatible store, and always handed out as downloads."""

from __future__ import annotations

import contextlib
import os
import uuid
from urllib.parse import quote

import pytest
from opspact.cli.common import dev_token

TICKETS = "/api/ticketing/tickets"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + os.urandom(64)


def person(subject: str, *roles: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {dev_token(['zhuhai'], list(roles), subject)}"}


ENGINEER = person("zh-engineer", "vendor_engineer")
OFFICER = person("zh-officer", "client_admin")


def new_ticket(gateway) -> dict:
    r = gateway.post(TICKETS, headers=ENGINEER, json={"system": "smart-station", "title": "门禁无法刷卡"})
    assert r.status_code == 201, r.text
    return r.json()


def upload(gateway, ticket, data: bytes, filename: str, headers=ENGINEER, expect=201,
           content_type="application/octet-stream", **params) -> dict:
    r = gateway.post(f"{TICKETS}/{ticket['id']}/attachments", params={"filename": filename, **params},
                     headers={**headers, "Content-Type": content_type}, content=data)
    assert r.status_code == expect, r.text
    return r.json()


def test_a_screenshot_is_typed_by_its_bytes_and_downloaded_under_its_chinese_name(gateway):
    ticket = new_ticket(gateway)
    shot = upload(gateway, ticket, PNG, "C:\\Users\\值班\\门禁报错截图.png", content_type="text/html")
    assert shot["filename"] == "门禁报错截图.png" and shot["content_type"] == "image/png"
    assert shot["kind"] == "PNG 图片" and shot["size"] == len(PNG) and len(shot["sha256"]) == 64
    r = gateway.get(f"{TICKETS}/{ticket['id']}/attachments/{shot['id']}", headers=OFFICER)
    assert r.status_code == 200 and r.content == PNG
    assert r.headers["content-type"] == "image/png"
    assert r.headers["content-disposition"] == (
        "attachment; filename=\"download.png\"; filename*=UTF-8''" + quote("门禁报错截图.png", safe=""))
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["content-security-policy"] == "sandbox"
    listed = gateway.get(f"{TICKETS}/{ticket['id']}/attachments", headers=OFFICER).json()
    assert [a["id"] for a in listed["items"]] == [shot["id"]] and listed["total_bytes"] == len(PNG)
    timeline = gateway.get(f"{TICKETS}/{ticket['id']}", headers=OFFICER).json()["timeline"]
    assert any(e["action"] == "attached" and "门禁报错截图.png" in e["note"] for e in timeline)
    found = gateway.get(TICKETS, headers=ENGINEER, params={"q": "报错截图"}).json()
    assert ticket["number"] in [t["number"] for t in found["items"]]  # found by the file's name


def test_html_is_kept_as_text_and_programs_are_refused(gateway):
    ticket = new_ticket(gateway)
    page = upload(gateway, ticket, b"<html><script>alert(document.cookie)</script></html>", "x.png")
    assert page["content_type"] == "text/plain; charset=utf-8"
    r = gateway.get(f"{TICKETS}/{ticket['id']}/attachments/{page['id']}", headers=ENGINEER)
    assert r.headers["content-type"].startswith("text/plain")
    assert r.headers["content-disposition"].startswith("attachment;")
    log = upload(gateway, ticket, "2026-12-01 10:00 数据库连接池满\n".encode("gb18030"), "app.log")
    assert log["content_type"] == "text/plain; charset=gb18030"
    exe = b"MZ\x90\x00\x03\x00\x00\x00" + os.urandom(100)
    refused = upload(gateway, ticket, exe, "补丁.exe", expect=415)
    assert "补丁.exe" in refused["detail"]
    for name in ("", "/", "..", "a/b/"):
        r = gateway.post(f"{TICKETS}/{ticket['id']}/attachments", headers=ENGINEER,
                         params={"filename": name}, content=PNG)
        assert r.status_code == 422, name
    empty = gateway.post(f"{TICKETS}/{ticket['id']}/attachments", headers=ENGINEER,
                         params={"filename": "a.png"}, content=b"")
    assert empty.status_code == 422
    missing = gateway.post(f"{TICKETS}/{uuid.uuid4()}/attachments", headers=ENGINEER,
                           params={"filename": "a.png"}, content=PNG)
    assert missing.status_code == 404


def test_internal_files_stay_with_the_desk(gateway):
    ticket = new_ticket(gateway)
    note = gateway.post(f"{TICKETS}/{ticket['id']}/comments", headers=ENGINEER,
                        json={"body": "对方接口日志", "visibility": "internal"}).json()
    on_note = upload(gateway, ticket, b"ERROR upstream 429\n", "upstream.log", comment_id=note["id"],
                     visibility="public")
    assert on_note["visibility"] == "internal"  # the comment's, not what was asked
    inner = upload(gateway, ticket, PNG, "内部.png", visibility="internal")
    shared = upload(gateway, ticket, PNG, "现场.png")
    seen = gateway.get(f"{TICKETS}/{ticket['id']}/attachments", headers=OFFICER).json()
    assert [a["id"] for a in seen["items"]] == [shared["id"]]
    for hidden in (on_note, inner):
        r = gateway.get(f"{TICKETS}/{ticket['id']}/attachments/{hidden['id']}", headers=OFFICER)
        assert r.status_code == 404
    upload(gateway, ticket, PNG, "x.png", headers=OFFICER, visibility="internal", expect=403)
    upload(gateway, ticket, PNG, "x.png", headers=OFFICER, comment_id=note["id"], expect=404)
    assert upload(gateway, ticket, PNG, "甲方.png", headers=OFFICER)["visibility"] == "public"
    timeline = gateway.get(f"{TICKETS}/{ticket['id']}", headers=OFFICER).text
    assert "内部.png" not in timeline and "upstream.log" not in timeline


@pytest.fixture(scope="module")
def s3_server():
    """A real S3-compatible server (moto's, from PyPI) checking every request's SigV4
    signature against the access key made for us — past the first four calls, which set
    up the user, its key and policy, and the bucket."""
    os.environ["INITIAL_NO_AUTH_ACTION_COUNT"] = "4"
    import boto3
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    setup = {"endpoint_url": endpoint, "region_name": "us-east-1", "aws_access_key_id": "setup",
             "aws_secret_access_key": "setup"}
    iam = boto3.client("iam", **setup)
    iam.create_user(UserName="opspact")
    key = iam.create_access_key(UserName="opspact")["AccessKey"]
    iam.put_user_policy(UserName="opspact", PolicyName="attachments", PolicyDocument=(
        '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}'))
    boto3.client("s3", **setup).create_bucket(Bucket="opspact-attachments")
    reader = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                          aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"])
    try:
        yield endpoint, key, reader
    finally:
        server.stop()
        os.environ.pop("INITIAL_NO_AUTH_ACTION_COUNT", None)


@contextlib.contextmanager
def ticketing_with(stack, env: dict[str, str]):
    stack.restart_process("ticketing", env)
    try:
        yield
    finally:
        stack.restart_process("ticketing")


def test_files_go_to_the_s3_store_and_older_ones_are_still_served(stack, gateway, s3_server):
    endpoint, key, reader = s3_server
    ticket = new_ticket(gateway)
    before = upload(gateway, ticket, PNG, "存于数据库.png")
    env = {"OPSPACT_ATTACHMENT_STORE": "s3", "OPSPACT_S3_ENDPOINT": endpoint,
           "OPSPACT_S3_BUCKET": "opspact-attachments", "OPSPACT_S3_ACCESS_KEY": key["AccessKeyId"],
           "OPSPACT_S3_SECRET_KEY": key["SecretAccessKey"],
           "OPSPACT_ATTACHMENT_MAX_BYTES": "4000", "OPSPACT_ATTACHMENT_TICKET_MAX_BYTES": "6000"}
    with ticketing_with(stack, env):
        report = os.urandom(3000)
        pdf = upload(gateway, ticket, b"%PDF-1.7\n" + report, "检测报告.pdf")
        stored = reader.get_object(Bucket="opspact-attachments", Key=f"zhuhai/{pdf['sha256']}")
        assert stored["Body"].read() == b"%PDF-1.7\n" + report  # the bytes are in the bucket
        r = gateway.get(f"{TICKETS}/{ticket['id']}/attachments/{pdf['id']}", headers=ENGINEER)
        assert r.status_code == 200 and r.content == b"%PDF-1.7\n" + report
        old = gateway.get(f"{TICKETS}/{ticket['id']}/attachments/{before['id']}", headers=ENGINEER)
        assert old.status_code == 200 and old.content == PNG  # still in PostgreSQL
        too_big = upload(gateway, ticket, b"%PDF-1.7\n" + os.urandom(4000), "大.pdf", expect=413)
        assert "at most 4,000" in too_big["detail"]
        full = upload(gateway, ticket, b"%PDF-1.7\n" + os.urandom(2950), "满.pdf", expect=413)
        assert ticket["number"] in full["detail"]
    with ticketing_with(stack, {**env, "OPSPACT_S3_SECRET_KEY": "not-the-secret"}):
        r = gateway.post(f"{TICKETS}/{ticket['id']}/attachments", headers=ENGINEER,
                         params={"filename": "x.png"}, content=PNG)
        assert r.status_code == 503 and "attachment store" in r.json()["detail"]  # nothing recorded
    listed = gateway.get(f"{TICKETS}/{ticket['id']}/attachments", headers=ENGINEER).json()
    assert [a["filename"] for a in listed["items"]] == ["存于数据库.png", "检测报告.pdf"]
