"""Reports published on schedule: an ended period's report archived as DOCX and PDF with
their SHA-256, listed and downloaded byte for byte, versioned when published again with a
reason, announced through notify to the people who sign it off; and the scheduler
(`opspact report publish --due`) that publishes what is due."""

from __future__ import annotations

import hashlib
import io
import zipfile
from datetime import date

import pytest
from opspact.cli import publish
from opspact.cli.main import main as cli
from opspact.testing.plugin import auth, wait_until
from opspact.testing.probes import forget_recorded_term

ZHUHAI = auth("zhuhai", "vendor_manager")
ARCHIVE = "/api/ticketing/report-archive"


@pytest.fixture
def url(stack, monkeypatch):
    monkeypatch.setenv("OPSPACT_URL", stack.url("gateway"))
    monkeypatch.delenv("OPSPACT_TOKEN", raising=False)


def _announcements(gateway, archive_id: int) -> list[dict]:
    r = gateway.get("/api/notify/notifications", headers=ZHUHAI, params={
        "source_event_type": "ticketing.report.published.v1", "subject": str(archive_id)})
    assert r.status_code == 200, r.text
    return r.json()["items"]


def test_publishing_archives_the_report_and_announces_it(gateway):
    r = gateway.post(ARCHIVE, headers=ZHUHAI, json={"kind": "monthly", "period": "2024-03"})
    assert r.status_code == 201, r.text
    archived = r.json()
    assert (archived["kind"], archived["period"], archived["version"]) == ("monthly", "2024-03", 1)
    assert archived["label"] == "2024年3月" and archived["title"].endswith("月报")
    assert (archived["first"], archived["last"]) == ("2024-03-01", "2024-03-31")
    files = {f["format"]: f for f in archived["files"]}
    assert set(files) == {"docx", "pdf"}
    pdf = gateway.get(f"/api/ticketing{files['pdf']['href']}", headers=ZHUHAI)
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF") and len(pdf.content) == files["pdf"]["size"]
    assert hashlib.sha256(pdf.content).hexdigest() == files["pdf"]["sha256"]
    assert pdf.headers["x-content-sha256"] == files["pdf"]["sha256"]
    docx = gateway.get(f"/api/ticketing{files['docx']['href']}", headers=ZHUHAI)
    body = zipfile.ZipFile(io.BytesIO(docx.content)).read("word/document.xml").decode()
    assert "2024年3月" in body and "付款节点与违约金" in body  # the money section came along
    assert hashlib.sha256(docx.content).hexdigest() == files["docx"]["sha256"]
    assert 'filename="monthly-zhuhai-2024-03-v1.docx"' in docx.headers["content-disposition"]
    # notify: the vendor's manager by e-mail, the client's administrator by SMS (no e-mail)
    sent = wait_until(lambda: len(found := _announcements(gateway, archived["id"])) >= 2 and found,
                      message="the announcement to both managers")
    # (a failed e-mail may add an SMS fallback for the same person)
    routes = {(n["contact"], n["channel"]) for n in sent}
    assert routes >= {("vendor-manager", "email"), ("client-admin", "sms")}
    assert {n["contact"] for n in sent} == {"vendor-manager", "client-admin"}
    text = sent[0]["body"]
    assert text.startswith("2024年3月月报（第1版）已归档：工单") and "SLA达成率" in text


def test_an_archived_copy_shows_no_reader_more_than_the_live_report(gateway):
    """The live report withholds 付款节点与违约金 from readers without billing.read; the
    archived copy holds it, so it goes only to readers who may read every part."""
    r = gateway.post(ARCHIVE, headers=ZHUHAI, json={"kind": "monthly", "period": "2024-04"})
    assert r.status_code in (200, 201), r.text
    href = {f["format"]: f["href"] for f in r.json()["files"]}["docx"]
    for role in ("client_viewer", "vendor_engineer", "finance"):
        live = gateway.get("/api/ticketing/reports/monthly", headers=auth("zhuhai", role),
                           params={"period": "2024-04"})
        assert live.status_code == 200, (role, live.text)
        archived = gateway.get(f"/api/ticketing{href}", headers=auth("zhuhai", role))
        assert archived.status_code == 403, (role, archived.text)
        assert "GET /reports/monthly?period=2024-04" in archived.json()["detail"]
    assert "billing /statement (billing.read)" in gateway.get(
        f"/api/ticketing{href}", headers=auth("zhuhai", "client_viewer")).json()["detail"]
    for role in ("client_admin", "vendor_manager", "auditor"):
        assert gateway.get(f"/api/ticketing{href}", headers=auth("zhuhai", role)).status_code == 200, role


def test_publishing_again_returns_the_version_there_or_makes_a_new_one_with_a_reason(gateway):
    first = gateway.post(ARCHIVE, headers=ZHUHAI, json={"kind": "quarterly", "period": "2024-Q1"})
    assert first.status_code == 201, first.text
    v1 = first.json()
    same = gateway.post(ARCHIVE, headers=ZHUHAI, json={"kind": "quarterly", "period": "2024-Q1"})
    assert same.status_code == 200 and same.json() == v1
    r = gateway.post(ARCHIVE, headers=ZHUHAI, json={"kind": "quarterly", "period": "2024-Q1", "again": True})
    assert r.status_code == 422 and "reason" in r.json()["detail"]
    r = gateway.post(ARCHIVE, headers=ZHUHAI, json={"kind": "quarterly", "period": "2024-Q1", "again": True,
                                                    "reason": "补录3月两张工单后重新生成"})
    assert r.status_code == 201, r.text
    v2 = r.json()
    assert (v2["version"], v2["reason"]) == (2, "补录3月两张工单后重新生成") and v2["id"] != v1["id"]
    listed = gateway.get(ARCHIVE, headers=ZHUHAI, params={"kind": "quarterly", "period": "2024-Q1"}).json()
    assert listed["total"] == 2 and [i["version"] for i in listed["items"]] == [2, 1]
    # the first version stays as it was sent
    pdf1 = next(f for f in v1["files"] if f["format"] == "pdf")
    kept = gateway.get(f"/api/ticketing{pdf1['href']}", headers=ZHUHAI)
    assert hashlib.sha256(kept.content).hexdigest() == pdf1["sha256"]
    assert gateway.get(f"{ARCHIVE}/{v1['id']}", headers=ZHUHAI).json() == v1
    wait_until(lambda: _announcements(gateway, v2["id"]), message="the second version's announcement")
    assert "（第2版）" in _announcements(gateway, v2["id"])[0]["body"]
    # asking again announced nothing: v1's messages all come from its one event
    assert len({n["source_event_id"] for n in _announcements(gateway, v1["id"])}) == 1


@pytest.mark.parametrize(("body", "status", "needle"), [
    ({"kind": "weekly", "period": "2099-W01"}, 409, "has not ended"),
    ({"kind": "monthly", "period": "2024-13"}, 422, "no such monthly period"),
    ({"kind": "monthly", "period": "March"}, 422, "written like 2025-03"),
    ({"kind": "yearly", "period": "2024"}, 422, "kind"),
])
def test_publishing_refuses_what_cannot_be_archived(gateway, body, status, needle):
    r = gateway.post(ARCHIVE, headers=ZHUHAI, json=body)
    assert r.status_code == status and needle in r.text, r.text
    assert r.headers["content-type"].startswith("application/problem+json")


def test_only_the_reports_the_contract_requires_and_only_by_who_hands_them_over(gateway):
    r = gateway.post(ARCHIVE, headers=auth("xinxiang", "vendor_manager"),
                     json={"kind": "weekly", "period": "2025-W02"})
    assert r.status_code == 422 and "monthly, annual" in r.json()["detail"]
    for role in ("client_viewer", "vendor_engineer", "finance"):
        r = gateway.post(ARCHIVE, headers=auth("zhuhai", role), json={"kind": "monthly", "period": "2024-04"})
        assert r.status_code == 403, (role, r.text)
    assert gateway.get(f"{ARCHIVE}/999999999", headers=ZHUHAI).status_code == 404


def test_the_scheduler_publishes_what_is_due_once(url, gateway, capsys):
    # as on 3 April 2024: the weeks, the month and the quarter that ended in the ten days before
    outcomes = publish.publish_due(["zhuhai"], within_days=10, today=date(2024, 4, 3))
    assert {(o.kind, o.period) for o in outcomes} == {
        ("weekly", "2024-W12"), ("weekly", "2024-W13"), ("monthly", "2024-03"), ("quarterly", "2024-Q1")}
    assert all(o.status in ("published", "already") for o in outcomes), outcomes
    again = publish.publish_due(["zhuhai"], within_days=10, today=date(2024, 4, 3))
    assert {o.status for o in again} == {"already"}
    assert {o.archive_id for o in again} == {o.archive_id for o in outcomes}
    published_by = {i["published_by"] for i in gateway.get(ARCHIVE, headers=ZHUHAI, params={
        "kind": "weekly", "period": "2024-W13"}).json()["items"]}
    assert published_by == {"report-scheduler"}
    # one period by hand, through the command
    assert cli(["report", "publish", "--tenant", "zhuhai", "--kind", "monthly", "--period", "2024-02"]) == 0
    assert "published" in capsys.readouterr().out
    assert cli(["report", "publish", "--tenant", "zhuhai", "--kind", "monthly", "--period", "2099-01"]) == 1
    assert "has not ended" in capsys.readouterr().out


def test_the_scheduler_looks_back_when_the_term_has_no_dates(stack, url):
    # wuqia's term starts at acceptance: until it is recorded the scheduler asks for the
    # days it looks back over
    forget_recorded_term(stack, "wuqia")
    assert publish.due("wuqia", date(2024, 2, 10), 15) == [("monthly", "2024-01")]


@pytest.mark.parametrize(("argv", "needle"), [
    (["--due", "--again", "--reason", "x"], "go with --kind"),
    (["--kind", "monthly"], "--kind needs --period"),
    (["--kind", "monthly", "--period", "2024-03", "--again"], "--again needs --reason"),
    (["--due", "--every", "5"], "at least 60 seconds"),
])
def test_publish_options_are_checked_before_anything_is_asked(argv, needle, capsys):
    assert cli(["report", "publish", "--tenant", "zhuhai", *argv]) == 1
    assert needle in capsys.readouterr().err
