"""Charts for the reports, as PNG (matplotlib, Agg: no display needed), in the report
font so the Chinese labels render. Small and flat: they go on A4 pages."""

from __future__ import annotations

import io
import threading

from ticketing.reports import fonts
from ticketing.reports.document import Chart

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


# response times in minutes: the contracts' targets are 15/30 minutes to 2 hours, so the
# bins are finer where they are decided
RESPONSE_EDGES = (0, 5, 10, 15, 30, 60, 120, 240)
PALETTE = ("#2a8a4a", "#3c78b4", "#c8823c", "#8a4ab4", "#b44a4a", "#4ab4a8")


def response_bins(minutes: list[int]) -> Chart:
    """How many responses took 0–5, 5–10, … minutes (the last bin open-ended)."""
    labels = [f"{a}–{b}" for a, b in zip(RESPONSE_EDGES, RESPONSE_EDGES[1:], strict=False)]
    labels.append(f"{RESPONSE_EDGES[-1]}+")
    counts = [0] * len(labels)
    for m in minutes:
        counts[sum(m >= edge for edge in RESPONSE_EDGES[1:])] += 1
    return Chart("histogram", labels, {"工单数": counts}, "分钟")


def draw(title: str, chart: Chart) -> bytes:
    """The chart as a PNG for the documents."""
    return {"bars": _bars, "lines": _lines, "histogram": _histogram}[chart.kind](title, chart)


def _bars(title: str, chart: Chart) -> bytes:
    """Volume by system: horizontal bars, largest first."""
    [values] = chart.series.values()
    with _LOCK:
        pyplot, fig, ax = _figure()
        pairs = sorted(zip(chart.labels, values, strict=True), key=lambda p: p[1])
        ax.barh([p[0] for p in pairs], [p[1] for p in pairs], color="#3c78b4")
        for y, (_, v) in enumerate(pairs):
            ax.text(v, y, f" {v}", va="center", fontsize=8)
        ax.set_title(title, fontsize=11)
        ax.set_xlabel(chart.unit)
        ax.tick_params(labelsize=8)
        return _png(pyplot, fig)


def _lines(title: str, chart: Chart, goal: int = 100) -> bytes:
    """SLA attainment per period, a line per clock (None where nothing was due)."""
    with _LOCK:
        pyplot, fig, ax = _figure()
        for (name, values), color in zip(chart.series.items(), PALETTE * 4, strict=False):
            ax.plot(chart.labels, [v if v is not None else float("nan") for v in values], marker="o",
                    color=color, label=name, linewidth=1.2, markersize=3)
        ax.axhline(goal, color="#b44", linewidth=0.8, linestyle="--")
        ax.set_ylim(0, 105)
        ax.set_ylabel(chart.unit)
        ax.set_title(title, fontsize=11)
        ax.tick_params(labelsize=8)
        if len(chart.series) > 1:
            ax.legend(fontsize=7, loc="lower left", ncols=min(len(chart.series), 4), frameon=False)
        return _png(pyplot, fig)


def _histogram(title: str, chart: Chart) -> bytes:
    """A distribution over the chart's bins (response times)."""
    [counts] = chart.series.values()
    with _LOCK:
        pyplot, fig, ax = _figure()
        if sum(counts):
            ax.bar(chart.labels, counts, color="#c8823c")
        else:
            ax.text(0.5, 0.5, "本期无数据", ha="center", va="center", transform=ax.transAxes)
        ax.set_title(title, fontsize=11)
        ax.set_xlabel(chart.unit)
        ax.set_ylabel("工单数")
        ax.yaxis.get_major_locator().set_params(integer=True)
        ax.tick_params(labelsize=8)
        return _png(pyplot, fig)
