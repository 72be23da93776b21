"""服务回访与满意度: how many resolutions of the period were followed up (回访率), the scores
given (满意度: the average, and the share of 4–5 points), and the low ones with what became
of them (a complaint ticket each)."""

from __future__ import annotations

from collections import Counter

from ticketing.reports.document import Section, Table
from ticketing.reports.facts import FollowUpFact

SCORE_NAMES = {5: "非常满意", 4: "满意", 3: "一般", 2: "不满意", 1: "非常不满意"}
VIA = {"link": "短信链接", "phone": "电话"}


def _percent(part: int, whole: int) -> str:
    return f"{part * 100 / whole:.1f}%" if whole else "—"


def numbers(follow_ups: list[FollowUpFact]) -> dict[str, int | str]:
    answered = [f for f in follow_ups if f.answered]
    scores = [f.score for f in answered if f.score is not None]
    satisfied = sum(s >= 4 for s in scores)
    return {"follow_ups": len(follow_ups), "follow_ups_answered": len(answered),
            "follow_up_rate": _percent(len(answered), len(follow_ups)),
            "satisfaction_average": f"{sum(scores) / len(scores):.2f}" if scores else "—",
            "satisfaction_rate": _percent(satisfied, len(scores)),
            "complaints": sum(f.complaint for f in follow_ups)}


def section(follow_ups: list[FollowUpFact]) -> Section:
    n = numbers(follow_ups)
    answered = [f for f in follow_ups if f.answered]
    counted = Counter(f.score for f in answered)
    paragraphs = [
        f"本期解决的工单应回访{n['follow_ups']}件，已回访{n['follow_ups_answered']}件，回访率{n['follow_up_rate']}；"
        f"平均满意度{n['satisfaction_average']}分，满意（4–5分）率{n['satisfaction_rate']}；"
        f"评分不满意转投诉{n['complaints']}件。"]
    tables = [Table("表 满意度评分分布", ["评分", "件数", "占比"],
                    [[f"{s}分（{name}）", str(counted[s]), _percent(counted[s], len(answered))]
                     for s, name in SCORE_NAMES.items()]),
              Table("表 回访方式", ["方式", "件数"],
                    [[VIA[v], str(c)] for v, c in Counter(f.via for f in answered).most_common()]
                    + [["未回访", str(len(follow_ups) - len(answered))]])]
    complained = [f for f in answered if f.complaint]  # at or below the tenant's low score
    if complained:
        tables.append(Table("表 不满意回访及处理", ["工单", "标题", "评分", "意见", "处理"],
                            [[f.number, f.title, str(f.score), f.comment or "", "已转投诉工单"]
                             for f in complained]))
    return Section("服务回访与满意度", paragraphs=paragraphs, tables=tables)
