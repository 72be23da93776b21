"""DOCX (editable: clients edit and stamp these): A4, 宋体 body, tables with a header row,
charts as pictures."""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from ticketing.reports import fonts
from ticketing.reports.document import Report, Table, printable


def _east_asian(run_or_style, size_pt: float | None = None) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt
    font = run_or_style.font
    font.name = fonts.DOCX_LATIN
    if size_pt:
        font.size = Pt(size_pt)
    r_pr = run_or_style.element.get_or_add_rPr()
    r_fonts = r_pr.find(qn("w:rFonts"))
    if r_fonts is None:
        r_fonts = r_pr.makeelement(qn("w:rFonts"), {})
        r_pr.append(r_fonts)
    r_fonts.set(qn("w:eastAsia"), fonts.DOCX_EAST_ASIA)


def _cell_text(value: str | int) -> str:
    return escape(printable(value))


def _append_rows(table, rows: list[list[str | int]]) -> None:
    """All body rows parsed as one XML fragment: python-docx's add_row re-reads the table
    grid on every call, which made a month of 2,000 faults take minutes."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    parts = [f"<w:tbl {nsdecls('w')}>"]
    for row in rows:
        parts.append("<w:tr>")
        parts += [f'<w:tc><w:p><w:r><w:t xml:space="preserve">{_cell_text(v)}</w:t></w:r></w:p></w:tc>'
                  for v in row]
        parts.append("</w:tr>")
    parts.append("</w:tbl>")
    for tr in list(parse_xml("".join(parts))):
        table._tbl.append(tr)


def _table(doc, t: Table) -> None:
    if t.caption:
        doc.add_paragraph(printable(t.caption), style="Caption")
    table = doc.add_table(rows=1, cols=len(t.header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, t.header, strict=True):
        cell.text = text
        for run in cell.paragraphs[0].runs:
            run.bold = True
    _append_rows(table, t.rows)
    if not t.rows:
        doc.add_paragraph("（本期无记录）")


def render(report: Report) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Inches

    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(2.2))
    _east_asian(doc.styles["Normal"], 10.5)
    for name in ("Title", "Heading 1", "Caption"):
        _east_asian(doc.styles[name])
    title = doc.add_paragraph(printable(report.title), style="Title")
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    facts = doc.add_table(rows=0, cols=2)
    facts.style = "Table Grid"
    for label, value in report.facts:
        cells = facts.add_row().cells
        cells[0].text, cells[1].text = printable(label), printable(value)
    for s in report.sections:
        if s.new_page:
            doc.add_page_break()
        doc.add_heading(printable(s.heading), level=1)
        for text in s.paragraphs:
            doc.add_paragraph(printable(text))
        for t in s.tables:
            _table(doc, t)
        for f in s.figures:
            doc.add_picture(io.BytesIO(f.png), width=Inches(6.0))
            doc.add_paragraph(f.caption, style="Caption")
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
