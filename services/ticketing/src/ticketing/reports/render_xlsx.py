"""XLSX for ledgers: a 概要 sheet with the facts and headline figures, then one sheet per
table (the same tables the DOCX and PDF print). A table without a caption is a form (a
service record's fields): printed, not tabulated."""

from __future__ import annotations

from opspact.tabular import add_table, sheet_title, workbook_bytes

from ticketing.reports.document import Report


def render(report: Report) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    summary = book.active
    summary.title = "概要"
    summary.append([report.title])
    summary["A1"].font = Font(bold=True, size=14)
    for label, value in report.facts:
        summary.append([label, value])
    summary.column_dimensions["A"].width = 24
    summary.column_dimensions["B"].width = 60
    taken = {"概要"}
    for s in report.sections:
        for t in (t for t in s.tables if t.caption):
            add_table(book, sheet_title(t.caption, taken), t.header, t.rows)
    return workbook_bytes(book)
