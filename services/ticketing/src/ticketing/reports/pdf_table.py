"""Tables for the PDF, laid out once and printed line by line.

fpdf2's own table lays every cell out twice through its general line breaker (text
shaping, markdown, justification), which made the archive copy of a busy month's report
take many times longer than its DOCX. A report's cells need none of that: here each cell
is wrapped once with the font's advance widths (cached per character) and printed with
`text()`; rows never split across pages and the header repeats on each new page."""

from __future__ import annotations

PAD = 1.2  # mm between a cell's border and its text
LINE = 4.0  # mm per line of 8 pt text
ASCENT = 2.9  # mm from a line's top to its baseline at 8 pt
MAX_LINES = 40  # a longer cell is cut with "…" (the DOCX and XLSX carry the whole text)
HEADER_FILL = (225, 230, 238)  # one weight of the font is embedded: the header is shaded, not bold


class Measure:
    """Advance widths in mm of the current font at the current size, cached per character."""

    def __init__(self, pdf) -> None:
        self._widths = pdf.current_font.cw  # 1/1000 em, by code point
        self._scale = pdf.font_size_pt * 0.001 / pdf.k
        self._cache: dict[str, float] = {}

    def __call__(self, ch: str) -> float:
        advance = self._cache.get(ch)
        if advance is None:
            advance = self._cache[ch] = self._widths[ord(ch)] * self._scale
        return advance


def wrap(text: str, width: float, measure: Measure) -> list[str]:
    """Greedy lines no wider than `width`: Chinese breaks between any two characters, a
    run of other non-blank ASCII (a word, a number, a time) moves whole to the next line
    when it does not start the line."""
    lines: list[str] = []
    line, used, word_start = [], 0.0, None  # word_start: index in `line` of the current Latin run
    for ch in text:
        advance = measure(ch)
        if used + advance > width and line:
            if word_start and _in_word(ch):
                carried = line[word_start:]
                lines.append("".join(line[:word_start]).rstrip())
                line = carried
            else:
                lines.append("".join(line).rstrip())
                line = []
            used = sum(measure(c) for c in line)
            word_start = 0 if line else None
            if not line and ch == " ":
                continue
        if not _in_word(ch):
            word_start = None
        elif word_start is None:
            word_start = len(line)
        line.append(ch)
        used += advance
    if line or not lines:
        lines.append("".join(line).rstrip())
    if len(lines) > MAX_LINES:
        lines = lines[:MAX_LINES - 1] + [lines[MAX_LINES - 1][:-1] + "…"]
    return lines


def _in_word(ch: str) -> bool:
    return ch.isascii() and not ch.isspace()


def draw(pdf, header: list[str], rows: list[list[str]], relative: list[int] | None) -> None:
    """The table at the current position, in the current font, across as many pages as it takes."""
    relative = relative or [1] * len(header)
    columns = [pdf.epw * r / sum(relative) for r in relative]
    measure = Measure(pdf)

    def laid_out(cells: list[str]) -> list[list[str]]:
        return [wrap(c, w - 2 * PAD, measure) for c, w in zip(cells, columns, strict=True)]

    head = laid_out(header)
    pdf.set_draw_color(0, 0, 0)
    pdf.set_line_width(0.2)
    pdf.set_fill_color(*HEADER_FILL)
    _row(pdf, columns, head, shaded=True)
    for cells in rows:
        lines = laid_out(cells)
        if pdf.get_y() + _height(lines) > pdf.page_break_trigger:
            pdf.add_page()
            _row(pdf, columns, head, shaded=True)
        _row(pdf, columns, lines, shaded=False)


def _height(lines: list[list[str]]) -> float:
    return max(len(cell) for cell in lines) * LINE + 2 * PAD


def _row(pdf, columns: list[float], lines: list[list[str]], shaded: bool) -> None:
    x, y, height = pdf.l_margin, pdf.get_y(), _height(lines)
    for width, cell in zip(columns, lines, strict=True):
        pdf.rect(x, y, width, height, style="DF" if shaded else "D")
        for n, text in enumerate(cell):
            if text:
                pdf.text(x + PAD, y + PAD + n * LINE + ASCENT, text)
        x += width
    pdf.set_xy(pdf.l_margin, y + height)
