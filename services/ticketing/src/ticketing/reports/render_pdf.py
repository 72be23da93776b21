"""PDF for the archive: A4, the report font embedded (subset), page numbers, tables
that wrap and repeat their header across pages (pdf_table), charts as pictures."""

from __future__ import annotations

import io

from ticketing.reports import fonts, pdf_table
from ticketing.reports.document import Report, Table, printable

FONT = "report"
PAGES = "{pages}"  # the total's placeholder: as wide as a busy month's 1,500-page fault list needs


def _pdf(title: str):
    from fpdf import FPDF

    class Paged(FPDF):
        def footer(self) -> None:
            self.set_y(-12)
            self.set_font(FONT, size=8)
            self.cell(0, 8, f"{title}　第 {self.page_no()} 页，共 {PAGES} 页", align="C")

    pdf = Paged(format="A4")
    pdf.add_font(FONT, fname=str(fonts.path()))
    pdf.set_margins(18, 16, 18)
    pdf.set_auto_page_break(True, margin=16)
    pdf.alias_nb_pages(PAGES)
    return pdf


def _table(pdf, t: Table) -> None:
    pdf.set_font(FONT, size=9)
    if t.caption:
        pdf.multi_cell(0, 6, t.caption, new_x="LMARGIN", new_y="NEXT")
    if not t.rows:
        pdf.multi_cell(0, 6, "（本期无记录）", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
        return
    pdf.set_font(FONT, size=8)
    pdf_table.draw(pdf, [printable(h) for h in t.header], [[printable(c) for c in row] for row in t.rows],
                   t.widths)
    pdf.ln(3)


def render(report: Report) -> bytes:
    pdf = _pdf(report.title)
    pdf.add_page()
    pdf.set_font(FONT, size=18)
    pdf.multi_cell(0, 12, report.title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font(FONT, size=10)
    for label, value in report.facts:
        pdf.multi_cell(0, 6, f"{label}：{value}", new_x="LMARGIN", new_y="NEXT")
    for s in report.sections:
        pdf.ln(4)
        # a form or chapter on its own page; no heading alone at a page's foot
        if s.new_page or pdf.get_y() > pdf.page_break_trigger - 40:
            pdf.add_page()
        pdf.set_font(FONT, size=13)
        pdf.multi_cell(0, 8, printable(s.heading), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(FONT, size=10)
        for text in s.paragraphs:
            pdf.multi_cell(0, 6, printable(text), new_x="LMARGIN", new_y="NEXT")
        for t in s.tables:
            _table(pdf, t)
        for f in s.figures:
            pdf.image(io.BytesIO(f.png), w=pdf.epw)
            pdf.set_font(FONT, size=9)
            pdf.multi_cell(0, 6, f.caption, align="C", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
