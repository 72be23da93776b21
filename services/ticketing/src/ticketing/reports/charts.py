"""Charts for the reports, as PNG (matplotlib, Agg: no display needed), in the report
font so the Chinese labels render. Small and flat: they go on A4 pages."""

from __future__ import annotations

import io
import threading

from ticketing.reports import fonts

_LOCK = threading.Lock()  # pyplot's state is global; reports may render in threads
SIZE = (6.4, 3.0)
DPI = 130


def _figure():
    import matplotlib
    matplotlib.use("Agg")
    from matplotlib import pyplot
    pyplot.rcParams["font.family"] = fonts.for_matplotlib()
    pyplot.rcParams["axes.unicode_minus"] = False
    fig, ax = pyplot.subplots(figsize=SIZE, dpi=DPI)
    ax.spines[["top", "right"]].set_visible(False)
    return pyplot, fig, ax


def _png(pyplot, fig) -> bytes:
    buffer = io.BytesIO()
    fig.tight_layout()
    fig.savefig(buffer, format="png")
    pyplot.close(fig)
    return buffer.getvalue()


def bars(title: str, labels: list[str], values: list[int], unit: str) -> bytes:
    """Volume by system: horizontal bars, largest first."""
    with _LOCK:
        pyplot, fig, ax = _figure()
        pairs = sorted(zip(labels, values, strict=True), key=lambda p: p[1])
        ax.barh([p[0] for p in pairs], [p[1] for p in pairs], color="#3c78b4")
        for y, (_, v) in enumerate(pairs):
            ax.text(v, y, f" {v}", va="center", fontsize=8)
        ax.set_title(title, fontsize=11)
        ax.set_xlabel(unit)
        ax.tick_params(labelsize=8)
        return _png(pyplot, fig)


def attainment(title: str, labels: list[str], percents: list[float | None], goal: int = 100) -> bytes:
    """SLA attainment per period (a line; None where nothing was due)."""
    with _LOCK:
        pyplot, fig, ax = _figure()
        ax.plot(labels, [p if p is not None else float("nan") for p in percents], marker="o",
                color="#2a8a4a")
        ax.axhline(goal, color="#b44", linewidth=0.8, linestyle="--")
        ax.set_ylim(0, 105)
        ax.set_ylabel("达成率（%）")
        ax.set_title(title, fontsize=11)
        ax.tick_params(labelsize=8)
        return _png(pyplot, fig)


def histogram(title: str, minutes: list[int], unit: str = "分钟") -> bytes:
    """Response-time distribution."""
    with _LOCK:
        pyplot, fig, ax = _figure()
        if minutes:
            ax.hist(minutes, bins=min(20, max(5, len(set(minutes)))), color="#c8823c")
        else:
            ax.text(0.5, 0.5, "本期无数据", ha="center", va="center", transform=ax.transAxes)
        ax.set_title(title, fontsize=11)
        ax.set_xlabel(unit)
        ax.set_ylabel("工单数")
        ax.yaxis.get_major_locator().set_params(integer=True)
        ax.tick_params(labelsize=8)
        return _png(pyplot, fig)
