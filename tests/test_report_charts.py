"""The numbers a report's figures draw: the same object gives the PNG in the documents and
the series the API returns (and the console draws)."""

from __future__ import annotations

import io

from PIL import Image
from ticketing.reports import charts
from ticketing.reports.document import Chart


def test_response_times_fall_in_the_bins_the_targets_are_decided_by():
    chart = charts.response_bins([0, 4, 5, 14, 15, 29, 30, 59, 60, 239, 240, 10_000])
    assert chart.labels == ["0–5", "5–10", "10–15", "15–30", "30–60", "60–120", "120–240", "240+"]
    assert chart.series == {"工单数": [2, 1, 1, 2, 2, 1, 1, 2]}
    assert sum(chart.series["工单数"]) == 12 and chart.kind == "histogram"
    assert charts.response_bins([]).series["工单数"] == [0] * 8


def test_every_kind_of_chart_draws_a_png():
    for chart in (Chart("bars", ["出入境", "户政"], {"工单数": [3, 1]}, "工单数"),
                  Chart("lines", ["1月", "2月"], {"合计": [100.0, None], "响应": [90.5, None]},
                        "达成率（%）"),
                  charts.response_bins([3, 50])):
        image = Image.open(io.BytesIO(charts.draw("标题", chart)))
        assert image.format == "PNG" and image.width > 400
