"""The CJK font every rendered report uses: Noto Sans CJK SC (SIL Open Font License),
installed from PyPI with the `mplfonts` wheel so a fresh machine needs no system fonts.
Charts (matplotlib) and the PDF (fpdf2, subset-embedded) both draw with it; DOCX names
fonts the reader's Word or WPS has (等线 / 宋体) and does not embed."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

FAMILY = "Noto Sans CJK SC"
DOCX_EAST_ASIA = "宋体"
DOCX_LATIN = "Times New Roman"


@lru_cache
def path() -> Path:
    import mplfonts
    font = Path(mplfonts.__file__).parent / "fonts" / "NotoSansCJKsc-Regular.otf"
    if not font.is_file():
        raise RuntimeError(f"the report font is missing: {font} (reinstall mplfonts)")
    return font


@lru_cache
def codepoints() -> frozenset[int]:
    from fontTools.ttLib import TTFont
    return frozenset(TTFont(path(), lazy=True).getBestCmap())


def missing(text: str) -> set[str]:
    """Characters the font cannot draw (they would print as tofu boxes)."""
    covered = codepoints()
    return {c for c in set(text) if not c.isspace() and ord(c) not in covered}


@lru_cache
def for_matplotlib() -> str:
    from matplotlib import font_manager
    font_manager.fontManager.addfont(str(path()))
    return font_manager.FontProperties(fname=str(path())).get_name()
