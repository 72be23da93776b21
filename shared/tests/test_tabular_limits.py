"""Spreadsheets that cost too much are refused before they are parsed whole (issue 21:
a 101 KB XLSX holding one 100 MB shared string; 1 MB of 220,000 empty rows)."""

import pytest
from opspact import tabular
from opspact.errors import Unprocessable
from opspact.testing.workbooks import xlsx_with


def test_a_shared_string_bomb_is_refused_before_parsing():
    bomb = ('<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            f'<si><t>{"x" * (100 * 1024 * 1024)}</t></si></sst>')
    raw = xlsx_with(extra_parts={"xl/sharedStrings.xml": bomb})
    assert len(raw) < 200 * 1024
    with pytest.raises(Unprocessable, match="unpacks to .* over the limit"):
        tabular.read(raw, tabular.XLSX, 5000)


@pytest.mark.parametrize("dimension", ["", '<dimension ref="A1:C220001"/>'])
def test_empty_rows_count_against_the_cap(dimension):
    rows = "".join(f'<row r="{i}"><c r="A{i}" s="0"/></row>' for i in range(2, 220002))
    with pytest.raises(Unprocessable, match="more than 5000 rows"):
        tabular.read(xlsx_with(rows, dimension), tabular.XLSX, 5000)


def test_rows_past_a_wrong_dimension_are_read():
    rows = "".join(f'<row r="{i}"><c r="A{i}" t="inlineStr"><is><t>server</t></is></c>'
                   f'<c r="B{i}" t="inlineStr"><is><t>s{i}</t></is></c></row>' for i in range(2, 5))
    header, records = tabular.read(xlsx_with(rows, '<dimension ref="A1:C1"/>'), tabular.XLSX, 5000)
    assert [r["code"] for _, r in records] == ["s2", "s3", "s4"]


def test_blank_csv_lines_count_too():
    with pytest.raises(Unprocessable, match="more than 5000 rows"):
        tabular.read(b"kind,code,name\n" + b"\n" * 1_000_000, tabular.CSV, 5000)


def test_csv_rows_keep_their_shape():
    header, records = tabular.read(b"a,b\n1,2\n\n3\n4,5,6\n", tabular.CSV, 10)
    assert header == ["a", "b"]
    assert records == [(2, {"a": "1", "b": "2"}), (4, {"a": "3", "b": None}),
                       (5, {"a": "4", "b": "5", None: ["6"]})]
