"""The PDF's own table layout: lines never wider than the cell, words kept whole when
they can be, nothing lost but an over-long cell's tail."""

from fpdf import FPDF
from ticketing.reports import fonts, pdf_table


def _measure(size: int = 8) -> pdf_table.Measure:
    pdf = FPDF()
    pdf.add_font("report", fname=str(fonts.path()))
    pdf.set_font("report", size=size)
    return pdf_table.Measure(pdf)


def _width(text: str, measure: pdf_table.Measure) -> float:
    return sum(measure(c) for c in text)


def test_chinese_breaks_anywhere_and_latin_words_move_whole():
    measure = _measure()
    text = "派出所系统故障：民警反映系统登录缓慢，页面长时间无响应 version 2.3.1 已恢复"
    lines = pdf_table.wrap(text, 40, measure)
    assert len(lines) > 1 and all(_width(line, measure) <= 40 for line in lines)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    assert not any(line.endswith(("versi", "2.3.")) for line in lines)
    assert pdf_table.wrap("2025-03-01 09:00", 22, measure) == ["2025-03-01", "09:00"]


def test_a_word_longer_than_the_cell_is_broken_and_empty_cells_keep_one_line():
    measure = _measure()
    lines = pdf_table.wrap("ZH-20250305-0014-ABCDEFGHIJ", 15, measure)
    assert len(lines) >= 2 and "".join(lines) == "ZH-20250305-0014-ABCDEFGHIJ"
    assert pdf_table.wrap("", 15, measure) == [""]


def test_an_over_long_cell_is_cut_with_an_ellipsis():
    lines = pdf_table.wrap("很长的处理说明" * 400, 30, _measure())
    assert len(lines) == pdf_table.MAX_LINES and lines[-1].endswith("…")


def test_a_long_table_repeats_its_header_on_every_page():
    pdf = FPDF(format="A4")
    pdf.add_font("report", fname=str(fonts.path()))
    pdf.set_font("report", size=8)
    pdf.add_page()
    rows = [[str(n), "民警反映系统登录缓慢，页面长时间无响应，影响窗口业务办理" * 2] for n in range(300)]
    pdf_table.draw(pdf, ["序号", "描述"], rows, [1, 6])
    pages = pdf.page
    assert pages > 5
    import pypdfium2 as pdfium
    doc = pdfium.PdfDocument(bytes(pdf.output()))
    texts = [doc[i].get_textpage().get_text_range() for i in range(len(doc))]
    assert all(t.lstrip().startswith("序号") for t in texts)
    assert "299" in texts[-1] and all(str(n) in "".join(texts) for n in (0, 150, 299))
