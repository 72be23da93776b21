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
