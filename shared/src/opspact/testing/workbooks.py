"""Hand-made XLSX files for the import tests: a real workbook (header kind, code, name) whose
sheet XML gets raw rows appended, its <dimension> replaced or removed, extra parts added —
the shapes a hostile or a sloppy file takes that openpyxl would never write itself."""

from __future__ import annotations

import io
import re
import zipfile


def xlsx_with(rows_xml: str = "", dimension: str | None = None,
              extra_parts: dict[str, str] | None = None) -> bytes:
    """`dimension`: the <dimension/> element to put in place of openpyxl's ("" removes it)."""
    from openpyxl import Workbook
    book = Workbook()
    book.active.append(["kind", "code", "name"])
    buffer = io.BytesIO()
    book.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</sheetData>", rows_xml.encode() + b"</sheetData>")
                if dimension is not None:
                    data = re.sub(rb'<dimension ref="[^"]*"/>', dimension.encode(), data)
            target.writestr(item, data)
        for name, text in (extra_parts or {}).items():
            target.writestr(name, text)
    return out.getvalue()
