"""Tables written as they are read: CSV and XLSX produced row batch by row batch, so an
export of 100,000 rows never holds more than one batch (the workbooks of `tabular` are
built whole in memory, right for reports, wrong for exports).

Both are formula-safe: an XLSX cell holding text is an inline string (never a formula);
a CSV cell starting with = + - @ or a control character gets a leading apostrophe, as
OWASP's advice on CSV injection says, since Excel would evaluate it."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import AsyncIterable, AsyncIterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from xml.sax.saxutils import escape

from opspact.types import SHANGHAI

BATCH_ROWS = 500
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NOT_IN_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
CSV_ENCODINGS = {"utf-8": "utf-8-sig", "gb18030": "gb18030"}  # utf-8 with Excel's BOM


def cell_text(value) -> str:
    """A cell as people read it: instants in Asia/Shanghai to the second, nothing as empty."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _csv_safe(value) -> str:
    text = cell_text(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


async def csv_chunks(header: Sequence[str], rows: AsyncIterable[Sequence],
                     encoding: str = "utf-8") -> AsyncIterator[bytes]:
    """CSV bytes, the header first. GB18030 holds every Unicode character, so nothing is
    lost in either encoding."""
    codec = CSV_ENCODINGS[encoding]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    first, count = True, 0
    async for row in rows:
        writer.writerow([_csv_safe(v) for v in row])
        count += 1
        if count % BATCH_ROWS == 0:
            yield _take(buffer, codec, first)
            first = False
    yield _take(buffer, codec, first)


def _take(buffer: io.StringIO, codec: str, first: bool) -> bytes:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    encoded = text.encode(codec)
    # the BOM belongs at the start of the file only
    return encoded if first or codec != "utf-8-sig" else text.encode("utf-8")


class _Sink:
    """A write-only stream the zip is written into and the response takes bytes from."""

    def __init__(self) -> None:
        self._chunks: list[bytes] = []

    def write(self, data) -> int:
        self._chunks.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        out = b"".join(self._chunks)
        self._chunks.clear()
        return out


_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_OOXML = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_PACKAGE = "http://schemas.openxmlformats.org/package/2006"
_RELATION = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_CONTENT_TYPES = (
    f'{_XML}<Types xmlns="{_PACKAGE}/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/xl/workbook.xml" ContentType="{_OOXML}.sheet.main+xml"/>'
    f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{_OOXML}.worksheet+xml"/>'
    f'<Override PartName="/xl/styles.xml" ContentType="{_OOXML}.styles+xml"/></Types>')
_ROOT_RELS = (f'{_XML}<Relationships xmlns="{_PACKAGE}/relationships">'
              f'<Relationship Id="rId1" Type="{_RELATION}/officeDocument" Target="xl/workbook.xml"/>'
              '</Relationships>')
_WORKBOOK = (f'{_XML}<workbook xmlns="{_MAIN}" xmlns:r="{_RELATION}">'
             '<sheets><sheet name="{title}" sheetId="1" r:id="rId1"/></sheets></workbook>')
_WORKBOOK_RELS = (
    f'{_XML}<Relationships xmlns="{_PACKAGE}/relationships">'
    f'<Relationship Id="rId1" Type="{_RELATION}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{_RELATION}/styles" Target="styles.xml"/></Relationships>')
# Two cell formats: 0 plain, 1 bold (the header).
_FONT = '<sz val="11"/><name val="等线"/>'
_STYLES = (
    f'{_XML}<styleSheet xmlns="{_MAIN}">'
    f'<fonts count="2"><font>{_FONT}</font><font><b/>{_FONT}</font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    '</styleSheet>')
_SHEET_START = (f'{_XML}<worksheet xmlns="{_MAIN}">'
                '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" '
                'activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>')


def _xml_cell(value, style: str = "") -> str:
    if value is None:
        return f"<c{style}/>"
    if isinstance(value, bool):
        value = "是" if value else "否"
    if isinstance(value, (int, float, Decimal)):
        return f"<c{style}><v>{value}</v></c>"
    text = escape(_NOT_IN_XML.sub("\ufffd", cell_text(value)))
    return f'<c{style} t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


def _xml_row(values: Sequence, style: str = "") -> str:
    return "<row>" + "".join(_xml_cell(v, style) for v in values) + "</row>"


async def xlsx_chunks(title: str, header: Sequence[str], rows: AsyncIterable[Sequence],
                      widths: Sequence[int] = ()) -> AsyncIterator[bytes]:
    """An XLSX of one sheet (`title`, ≤ 31 characters Excel accepts), the bold header frozen
    above the rows; columns `widths` characters wide where given."""
    sink = _Sink()
    book = zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED)
    for name, text in (("[Content_Types].xml", _CONTENT_TYPES), ("_rels/.rels", _ROOT_RELS),
                       ("xl/workbook.xml", _WORKBOOK.format(title=escape(title, {'"': "&quot;"}))),
                       ("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS), ("xl/styles.xml", _STYLES)):
        book.writestr(name, text)
    sheet = book.open("xl/worksheets/sheet1.xml", "w", force_zip64=True)
    cols = "".join(f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>'
                   for i, w in enumerate(widths, start=1))
    sheet.write((_SHEET_START + (f"<cols>{cols}</cols>" if cols else "") + "<sheetData>"
                 + _xml_row(header, ' s="1"')).encode())
    pending: list[str] = []
    async for row in rows:
        pending.append(_xml_row(row))
        if len(pending) == BATCH_ROWS:
            sheet.write("".join(pending).encode())
            pending.clear()
            yield sink.take()
    sheet.write(("".join(pending) + "</sheetData></worksheet>").encode())
    sheet.close()
    book.close()
    yield sink.take()


async def primed(chunks: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
    """`chunks` with its first chunk already made: the query behind an export runs before
    the response starts, so its failure is still an error answer, not a cut-off file."""
    first = await anext(chunks)

    async def replay() -> AsyncIterator[bytes]:
        yield first
        async for chunk in chunks:
            yield chunk
    return replay()
