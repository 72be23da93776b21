"""A report as the renderers see it: a title, a few facts, and sections of paragraphs,
tables and figures. The builders fill it from what was recorded; DOCX, PDF and XLSX
are drawn from the same object, so the three formats never disagree."""

from __future__ import annotations

from dataclasses import dataclass, field


def printable(value: str | int) -> str:
    """Text a document can carry: XML 1.0 (DOCX) and the PDF's font have no place for most
    control characters, which recorded text may hold; a line break prints as a space."""
    return "".join(c if c >= " " else " " for c in str(value))


@dataclass
class Table:
    caption: str
    header: list[str]
    rows: list[list[str | int]]
    widths: list[int] | None = None  # relative widths, one per column


@dataclass
class Chart:
    """What a figure draws, as numbers: the PNG in the documents and the console's charts
    are drawn from this one object, so a screen and a printed report never disagree."""
    kind: str  # bars (one value per label) | lines (a series per name, None: nothing due) | histogram
    labels: list[str]
    series: dict[str, list[float | int | None]]
    unit: str


@dataclass
class Figure:
    caption: str
    png: bytes
    chart: Chart | None = None


@dataclass
class Section:
    heading: str
    paragraphs: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    new_page: bool = False  # a form or a chapter starts on its own page


@dataclass
class Report:
    kind: str
    title: str
    facts: list[tuple[str, str]]  # 项目名称, 报告期间, 编制单位…
    sections: list[Section]
    numbers: dict[str, int | str] = field(default_factory=dict)  # the headline figures, for JSON

    def text(self) -> str:
        """Every character the documents print (the PDF font must cover them all)."""
        parts = [self.title, *(f"{k}{v}" for k, v in self.facts)]
        for s in self.sections:
            parts += [s.heading, *s.paragraphs]
            for t in s.tables:
                parts += [t.caption, *t.header, *(str(c) for row in t.rows for c in row)]
            parts += [f.caption for f in s.figures]
        return "\n".join(parts)
