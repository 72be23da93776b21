"""The statement as XLSX (对账单): amounts as exact numbers formatted to the fen, with
the 大写 beside each total as payment documents write them; dates in Shanghai."""

from __future__ import annotations

from decimal import Decimal

from opspact.calendar import minute_text
from opspact.tabular import workbook_bytes

from billing.schemas import Amount
from billing.statements.schemas import StatementOut

MONEY_FORMAT = "#,##0.00"
STATE_NAMES = {"proposed": "拟计", "confirmed": "已确认", "waived": "已免除", "deducted": "已扣减"}
KIND_NAMES = {"vat_special": "增值税专用发票", "vat_normal": "增值税普通发票"}


PARTY_NAMES = {"vendor": "乙方", "client": "甲方"}


def _money(a: Amount) -> Decimal:
    return Decimal(a.value)


def _table(book, title: str, header: list[str], rows: list[list], widths: list[int],
           money_columns: tuple[int, ...]) -> None:
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    sheet = book.create_sheet(title)
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    for column in money_columns:
        for (cell,) in sheet.iter_rows(min_row=2, min_col=column, max_col=column):
            cell.number_format = MONEY_FORMAT
    for index, width in enumerate(widths, 1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"


def render(s: StatementOut) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    t = s.totals
    book = Workbook()
    summary = book.active
    summary.title = "对账单"
    summary.append([f"{s.title} 对账单"])
    summary["A1"].font = Font(bold=True, size=14)
    summary.append(["合同总价", _money(s.contract_value), s.contract_value.capitals])
    summary.append(["对账期间", f"{s.start.isoformat()} 至 {s.end.isoformat()}"])
    summary.append(["生成时间", minute_text(s.generated_at)])
    summary.append([])
    summary.append(["项目", "金额（元）", "大写"])
    for cell in summary[6]:
        cell.font = Font(bold=True)
    lines = [("本期开具发票", t.invoiced), ("本期收款", t.received),
             *((f"本期违约金（{STATE_NAMES[state]}）", t.damages[state]) for state in STATE_NAMES),
             ("本期从付款中扣减的违约金", t.deducted_in_period),
             ("期末已到期未收款", t.receivable_due), ("期末已确认待扣减违约金", t.damages_pending),
             ("期末逾期付款违约金（甲方）", t.interest), ("期末净应收", t.net_receivable),
             *((f"本期维修费用（{PARTY_NAMES[party]}承担）", amount) for party, amount in t.repairs.items())]
    for label, amount in lines:
        summary.append([label, _money(amount), amount.capitals])
    summary.append([])
    summary.append(["期末净应收 = 已到期未收款 − 待扣减违约金 + 逾期付款违约金"])
    for (cell,) in summary.iter_rows(min_row=2, min_col=2, max_col=2):
        cell.number_format = MONEY_FORMAT
    for column, width in zip("ABC", (30, 18, 40), strict=True):
        summary.column_dimensions[column].width = width

    _table(book, "付款节点", ["编号", "名称", "金额", "付款期限", "本期到期", "已开票", "已收款",
                           "已扣违约金", "未收"],
           [[m.code, m.name, _money(m.amount), m.due_on.isoformat() if m.due_on else "待定",
             "是" if m.due_in_period else "", _money(m.invoiced), _money(m.paid), _money(m.deducted),
             _money(m.outstanding)] for m in s.milestones],
           [10, 24, 16, 12, 9, 16, 16, 16, 16], (3, 6, 7, 8, 9))
    _table(book, "发票", ["发票号码", "付款节点", "类型", "金额", "开票日期", "作废"],
           [[i.number, i.milestone, KIND_NAMES.get(i.kind, i.kind), _money(i.amount), i.issued_on.isoformat(),
             i.void_reason or ""] for i in s.invoices],
           [16, 10, 16, 16, 12, 30], (4,))
    _table(book, "收款", ["到账日期", "付款节点", "金额", "凭证号"],
           [[p.received_on.isoformat(), p.milestone, _money(p.amount), p.reference] for p in s.payments],
           [12, 10, 16, 24], (3,))
    _table(book, "违约金", ["发生日期", "规则", "条款", "计算", "金额", "状态", "扣减节点"],
           [[d.occurred_on.isoformat(), d.rule, d.clause, d.computation, _money(d.amount),
             STATE_NAMES.get(d.state, d.state), d.deducted_from or ""] for d in s.damages],
           [12, 18, 40, 50, 14, 8, 10], (5,))
    if s.repairs:
        _table(book, "维修", ["维修日期", "记录编号", "资产", "配件/工作", "金额", "承担方", "依据", "工单"],
               [[r.repaired_on.isoformat(), r.reference, r.asset_code, r.parts, _money(r.amount),
                 PARTY_NAMES[r.borne_by], r.reason, r.ticket_number or ""] for r in s.repairs],
               [12, 16, 16, 30, 14, 8, 40, 14], (5,))
    return workbook_bytes(book)
