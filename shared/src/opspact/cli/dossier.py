"""The acceptance dossier (验收材料) as one ZIP: every periodic report the contract asks
for over the term, its other documents (xinxiang's service records by month, xinjiang's
technical service manual by year), the inspection ledger, change records, the staffing table, training
records, the statement of damages and payments, the accepted version of each deliverable
(交付物), and an index (目录.xlsx + manifest.json) with each file's SHA-256 so the client can
check that what was stamped is what was sent, and the sign-off of every deliverable and
archived report (签收记录: accepted, rejected or not yet, by whom, how).

Everything comes through the gateway with the maker's identity, so a dossier holds
what its maker may read: the CLI's token, or (the console) the signed-in person's, through
the `Get` it is given. A part that fails is listed in the index as failed and the
others are still written: the command then exits non-zero, naming the failures."""

from __future__ import annotations

import hashlib
import json
import sys
import zipfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from opspact.calendar import SHANGHAI, minute_text
from opspact.cli.common import CliError, api_call, progress
from opspact.tabular import add_table, workbook_bytes

ROLES = ["vendor_manager"]
# GET path (under the gateway, /api/…) with params → the answer (`.content`, `.json()`);
# raises CliError when the gateway refuses or cannot be reached
Get = Callable[[str, dict], object]
KIND_NAMES = {"weekly": "周报", "monthly": "月报", "quarterly": "季度报告", "half_yearly": "半年报告",
              "annual": "年度报告"}
DOCUMENTS = {"service-records": ("运维服务售后记录单", "/api/ticketing/service-records"),
             "manual": ("技术服务手册", "/api/ticketing/manual")}
STAFFING_CHUNK_DAYS = 366  # inventory's summary answers at most 400 days at a time


@dataclass
class Part:
    category: str
    name: str  # path inside the archive
    period: str
    fetch: Callable[[], bytes]
    size: int = 0
    sha256: str = ""
    error: str = ""


@dataclass
class Dossier:
    tenant: str
    first: date
    last: date
    clause: str | None
    get: Get
    parts: list[Part] = field(default_factory=list)
    # 签收记录: every deliverable and archived report with the client's decision, or none yet
    signoffs: list[list] = field(default_factory=list)

    @property
    def failed(self) -> list[Part]:
        return [p for p in self.parts if p.error]


def cli_get(tenant: str) -> Get:
    """The CLI's way in: a token minted for the tenant's project manager."""
    return lambda path, params: api_call("GET", path, tenant, ROLES, params=params)


def _download(get: Get, path: str, params: dict[str, str]) -> Callable[[], bytes]:
    return lambda: get(path, params).content


def _json(get: Get, path: str, params: dict | None = None):
    return get(path, params or {}).json()


def plan(tenant: str, first: date | None, last: date | None, pdf: bool, get: Get | None = None) -> Dossier:
    """What the dossier will hold (nothing is fetched yet but the catalogue)."""
    get = get or cli_get(tenant)
    span = {k: v.isoformat() for k, v in (("from", first), ("to", last)) if v}
    catalogue = _json(get, "/api/ticketing/reports", span)
    first, last = date.fromisoformat(catalogue["first"]), date.fromisoformat(catalogue["last"])
    days = {"from": first.isoformat(), "to": last.isoformat()}
    dossier = Dossier(tenant, first, last, catalogue["clause"], get)
    formats = ("docx", "pdf") if pdf else ("docx",)
    for n, kind in enumerate(catalogue["kinds"], 1):
        folder = f"{n:02d}-{KIND_NAMES[kind]}"
        for period in (p for p in catalogue["periods"] if p["kind"] == kind):
            suffix = "" if period["complete"] else "（截至生成日）"
            for fmt in formats:
                dossier.parts.append(Part(
                    KIND_NAMES[kind], f"{folder}/{KIND_NAMES[kind]}-{period['code']}{suffix}.{fmt}",
                    period["label"], _download(get, f"/api/ticketing/reports/{kind}",
                                               {"period": period["code"], "format": fmt})))
    folders = {kind: f"{n:02d}-{DOCUMENTS[kind][0]}" for n, kind in enumerate(
        dict.fromkeys(d["kind"] for d in catalogue["documents"]), len(catalogue["kinds"]) + 1)}
    for doc in catalogue["documents"]:
        category, path = DOCUMENTS[doc["kind"]]
        key = doc["params"].get("year") or f"{doc['params']['from']}至{doc['params']['to']}"
        suffix = "" if doc["complete"] else "（截至生成日）"
        for fmt in formats:
            name = f"{folders[doc['kind']]}/{category}-{key}{suffix}.{fmt}"
            dossier.parts.append(Part(category, name, doc["label"],
                                      _download(get, path, {**doc["params"], "format": fmt})))
    span_label = f"{first.isoformat()} 至 {last.isoformat()}"
    instants = {"from": _midnight(first), "to": _midnight(last + timedelta(days=1))}
    dossier.parts += [
        Part("巡检台账", "巡检台账.xlsx", span_label,
             _download(get, "/api/ticketing/inspections/export", instants)),
        Part("变更记录", "变更记录.xlsx", span_label, lambda: changes_workbook(get, first, last)),
        Part("人员配置与培训", "人员配置表及培训记录.xlsx", span_label,
             lambda: staffing_workbook(get, first, last)),
        Part("违约金与付款", "违约金及付款对账单.xlsx", span_label,
             _download(get, "/api/billing/statement/export", days)),
    ]
    try:
        add_deliverables(dossier)
    except CliError as exc:  # listed as failed like any other part; the rest is still written
        dossier.parts.append(Part("交付物", "交付物", span_label, _failing(str(exc))))
    return dossier


def _failing(message: str) -> Callable[[], bytes]:
    def fetch() -> bytes:
        raise CliError(message)
    return fetch


def _pages(get: Get, path: str, params: dict | None = None, limit: int = 500):
    offset = 0
    while True:
        page = _json(get, path, {**(params or {}), "limit": str(limit), "offset": str(offset)})
        yield from page["items"]
        offset += limit
        if offset >= page["total"]:
            return


def _signed(s: dict | None) -> list[str]:
    if s is None:
        return ["未签收", "", "", "", ""]
    how = "数字证书" if s["method"] == "pki" else "账号登录"
    return ["已签收" if s["decision"] == "accepted" else "退回", s["signed_by"], how,
            minute_text(datetime.fromisoformat(s["signed_at"])), s["comment"] or ""]


def add_deliverables(dossier: Dossier) -> None:
    """The accepted version of each deliverable, byte for byte as the client signed it, and
    the sign-off of every deliverable and archived report (what was accepted and what not)."""
    get = dossier.get
    folder = "交付物"
    for d in _pages(get, "/api/ticketing/deliverables", {"reports": "false"}):  # reports below
        accepted = d["accepted"]
        if accepted is not None:
            name = f"{folder}/{d['label']}-第{accepted['version']}版-{accepted['filename']}"
            dossier.parts.append(Part("交付物", name, d["label"],
                                      _download(get, f"/api/ticketing{accepted['href']}", {})))
        shown = accepted or d["latest"]
        dossier.signoffs.append(["交付物", d["label"], d["due_on"] or d["undated"] or "",
                                 f"第{shown['version']}版" if shown else "未提交",
                                 shown["sha256"] if shown else "",
                                 *_signed(shown and shown["signoff"])])
    for r in _pages(get, "/api/ticketing/report-archive"):
        if not (dossier.first.isoformat() <= r["last"] and r["first"] <= dossier.last.isoformat()):
            continue
        s = r["signoff"]
        dossier.signoffs.append(["报告", f"{r['label']}{KIND_NAMES.get(r['kind'], r['kind'])}",
                                 r["last"], f"第{r['version']}版",
                                 s["sha256"] if s else "", *_signed(s)])


def _midnight(day: date) -> str:
    return datetime.combine(day, datetime.min.time(), SHANGHAI).isoformat()


def changes_workbook(get: Get, first: date, last: date) -> bytes:
    """Every change whose window touches the span, with both approvals (xinjiang's rule)."""
    from openpyxl import Workbook
    rows, offset = [], 0
    while True:
        page = _json(get, "/api/ticketing/changes", {"limit": "200", "offset": str(offset)})
        for c in page["items"]:
            start = datetime.fromisoformat(c["window_start"]).astimezone(SHANGHAI).date()
            end = datetime.fromisoformat(c["window_end"]).astimezone(SHANGHAI).date()
            if end >= first and start <= last:
                rows.append(_change_row(c))
        offset += page["limit"]
        if offset >= page["total"]:
            break
    book = Workbook()
    book.remove(book.active)
    add_table(book, "变更记录", ["编号", "类别", "风险", "系统", "标题", "变更窗口", "审批", "状态",
                                 "实施人", "完成时间", "结果"], sorted(rows))
    return workbook_bytes(book)


def _decided(step: dict) -> str:
    return f"（{step['by']} {minute_text(datetime.fromisoformat(step['at']))}）" if step["at"] else ""


def _change_row(c: dict) -> list[str]:
    approvals = "；".join(f"{s['name']}：{s['decision'] or '待审批'}" + _decided(s) for s in c["steps"])
    window = (f"{minute_text(datetime.fromisoformat(c['window_start']))} 至 "
              f"{minute_text(datetime.fromisoformat(c['window_end']))}")
    finished = minute_text(datetime.fromisoformat(c["finished_at"])) if c["finished_at"] else ""
    return [c["number"], c["kind"], c["risk"], c["system"], c["title"], window, approvals,
            c["status"], c["implemented_by"] or "", finished, c["result_note"] or ""]


def staffing_workbook(get: Get, first: date, last: date) -> bytes:
    """人员配置表 (who was on the engagement, by post and role), 人员结构, 培训记录 and
    人员更换记录 over the span, from inventory's summary a year at a time."""
    from openpyxl import Workbook
    staff, trainings, replacements, attendance = {}, [], [], {}
    start = first
    while start <= last:
        end = min(last, start + timedelta(days=STAFFING_CHUNK_DAYS - 1))
        summary = _json(get, "/api/inventory/summary/staffing",
                        {"from": start.isoformat(), "to": end.isoformat()})
        staff.update({s["code"]: s for s in summary["staff"]})
        trainings += summary["trainings"]
        replacements += summary["replacements"]
        for a in summary["attendance"]:
            total = attendance.setdefault(a["staff"], [a["name"], 0, 0, 0.0])
            total[1] += a["shifts"]
            total[2] += a["days"]
            total[3] += a["hours"]
        start = end + timedelta(days=1)
    roles = Counter(s["role"] for s in staff.values())
    book = Workbook()
    book.remove(book.active)
    add_table(book, "人员配置表", ["编号", "姓名", "角色", "岗位", "负责范围", "状态"],
              [[s["code"], s["name"], s["role"], s["post_name"] or s["post"] or "",
                "、".join(s["categories"]), "在岗" if s["status"] == "active" else "已离岗"]
               for s in staff.values()])
    add_table(book, "人员结构", ["角色", "人数"], roles.most_common())
    add_table(book, "考勤统计（按排班）", ["编号", "姓名", "班次", "出勤天数", "在岗小时"],
              [[code, *row[:3], round(row[3], 2)] for code, row in sorted(attendance.items())])
    add_table(book, "培训记录", ["日期", "编号", "姓名"],
              [[t["on"], t["staff"], t["name"]] for t in trainings])
    add_table(book, "人员更换记录", ["时间", "岗位", "离岗", "接替", "原因"],
              [[minute_text(datetime.fromisoformat(r["at"])), r["post"], r["leaving"], r["joining"],
                r["reason"]] for r in replacements])
    return workbook_bytes(book)


Progress = Callable[[int, int, str], None]  # (done, total, what now)


def build(dossier: Dossier, out: Path, on_progress: Progress | None = None) -> None:
    """Fetch every part into the archive (written next to `out`, renamed when complete),
    telling `on_progress` (the CLI's bar by default) before each part."""
    report = on_progress or progress
    partial = out.with_name(out.name + ".part")
    total = len(dossier.parts) + 1
    try:
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for n, part in enumerate(dossier.parts):
                report(n, total, part.name[-40:])
                try:
                    content = part.fetch()
                except CliError as exc:
                    part.error = str(exc)
                    continue
                part.size, part.sha256 = len(content), hashlib.sha256(content).hexdigest()
                archive.writestr(part.name, content)
            archive.writestr("00-目录.xlsx", index_workbook(dossier))
            archive.writestr("manifest.json", json.dumps(manifest(dossier), ensure_ascii=False, indent=2))
        partial.replace(out)
    finally:
        partial.unlink(missing_ok=True)
        report(total, total, "done")
        if on_progress is None:
            print(file=sys.stderr)


def manifest(dossier: Dossier) -> dict:
    return {"tenant": dossier.tenant, "from": dossier.first.isoformat(), "to": dossier.last.isoformat(),
            "generated_at": datetime.now(SHANGHAI).isoformat(timespec="seconds"),
            "clause": dossier.clause,
            "signoffs": [dict(zip(("category", "name", "due", "version", "sha256", "state", "signed_by",
                                   "method", "signed_at", "comment"), row, strict=True))
                         for row in dossier.signoffs],
            "files": [{"category": p.category, "name": p.name, "period": p.period, "bytes": p.size,
                       "sha256": p.sha256, "error": p.error or None} for p in dossier.parts]}


def index_workbook(dossier: Dossier) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    book = Workbook()
    cover = book.active
    cover.title = "说明"
    cover.append(["验收材料目录"])
    cover["A1"].font = Font(bold=True, size=14)
    for label, value in (("租户", dossier.tenant),
                         ("期间", f"{dossier.first.isoformat()} 至 {dossier.last.isoformat()}"),
                         ("合同约定", dossier.clause or ""),
                         ("生成时间", minute_text(datetime.now(SHANGHAI))),
                         ("文件数", str(len(dossier.parts) - len(dossier.failed))),
                         ("未能生成", str(len(dossier.failed)))):
        cover.append([label, value])
    cover.column_dimensions["A"].width, cover.column_dimensions["B"].width = 14, 80
    add_table(book, "目录", ["序号", "类别", "文件", "期间", "字节数", "SHA-256", "状态"],
              [[n, p.category, p.name, p.period, p.size, p.sha256,
                f"未生成：{p.error}" if p.error else "已生成"] for n, p in enumerate(dossier.parts, 1)])
    add_table(book, "签收记录", ["类别", "名称", "期限/期末", "版本", "签收文件SHA-256", "签收状态", "签收人",
                                 "签收方式", "签收时间", "意见"], dossier.signoffs)
    return workbook_bytes(book)
