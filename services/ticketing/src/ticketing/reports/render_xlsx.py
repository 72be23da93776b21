"""XLSX for ledgers: a 概要 sheet with the facts and headline figures, then one sheet per
table (the same tables the DOCX and PDF print)."""

from __future__ import annotations

import io
import re

from ticketing.reports.document import Report

BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def _sheet_title(caption: str, taken: set[str]) -> str:
    base = BAD_SHEET_CHARS.sub(" ", caption)[:28] or "表"
    title, n = base, 2
    while title in taken:
        title, n = f"{base[:26]}_{n}", n + 1
    taken.add(title)
    return title


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
        for t in s.tables:
            sheet = book.create_sheet(_sheet_title(t.caption, taken))
            sheet.append(t.header)
            for cell in sheet[1]:
                cell.font = Font(bold=True)
            for row in t.rows:
                sheet.append(list(row))
            for column in sheet.iter_cols(min_row=1, max_row=min(sheet.max_row, 200)):
                longest = max((len(str(c.value or "")) for c in column), default=4)
                sheet.column_dimensions[column[0].column_letter].width = min(60, max(8, longest * 1.6))
            sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
