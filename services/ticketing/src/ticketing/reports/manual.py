"""技术服务手册 (xinjiang: "每年提供各系统的技术服务手册（含故障处理方法、参数设置）", the
acceptance basis): one chapter per system in scope, from the knowledge base — how each
fault is handled, and the parameter settings — with the year's faults of that system and
how they were last solved, so the manual shows what actually happened.

Articles tagged 参数 / 参数设置 / 配置 are parameter settings; the others fault-handling
methods. An article naming no system goes to a closing chapter of general knowledge."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime

from opspact.calendar import SHANGHAI, minute_text
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ticketing.knowledge.models import Article
from ticketing.reports.document import Report, Section, Table
from ticketing.reports.facts import Fault

PARAMETER_TAGS = {"参数", "参数设置", "配置"}
GENERAL = ""  # the chapter of articles naming no system
TOP_FAULTS = 15


async def articles(session: AsyncSession, tenant_id: str) -> list[Article]:
    return list((await session.execute(select(Article).where(Article.tenant_id == tenant_id)
                                       .order_by(Article.seq))).scalars())


def _article_lines(a: Article) -> list[str]:
    return [f"{a.number}　{a.title}", f"背景描述：{a.background}", f"应用部位：{a.applies_to}",
            f"知识归纳：{a.summary}"]


def _recurring(faults: list[Fault]) -> list[list[str | int]]:
    """The system's faults by title, most frequent first, with the latest handling."""
    counts = Counter(f.title for f in faults)
    latest: dict[str, Fault] = {}
    for f in faults:
        if f.solution and (f.title not in latest or f.created_at > latest[f.title].created_at):
            latest[f.title] = f
    return [[title, n, latest[title].solution if title in latest else "—",
             minute_text(latest[title].resolved_at) if title in latest else "—"]
            for title, n in counts.most_common(TOP_FAULTS)]


def _chapter(name: str, core: bool, own: list[Article], faults: list[Fault]) -> Section:
    methods = [a for a in own if not PARAMETER_TAGS & set(a.tags)]
    settings = [a for a in own if PARAMETER_TAGS & set(a.tags)]
    text = [f"（一）系统概况：{name}{'，合同约定的7×24小时核心系统' if core else ''}；本年度受理故障"
            f"{sum(f.kind == 'incident' for f in faults)}件，工单{len(faults)}件。",
            f"（二）故障处理方法（{len(methods)}篇）"]
    for a in methods:
        text += _article_lines(a)
    text.append(f"（三）参数设置（{len(settings)}篇）")
    for a in settings:
        text += _article_lines(a)
    if not settings:
        text.append("知识库中尚无本系统的参数设置，请补充。")
    return Section(name, paragraphs=text, tables=[Table(
        "本年度常见故障及处理", ["故障", "次数", "最近一次处理措施", "解决时间"],
        _recurring([f for f in faults if f.kind == "incident"]), [30, 6, 44, 18])], new_page=True)


def build(year: int, systems: list[dict], knowledge: list[Article], faults: list[Fault],
          project: str, vendor: str) -> Report:
    """`systems`: the tenant file's systems (code, name, core), in its order."""
    by_system: dict[str, list[Article]] = defaultdict(list)
    for a in knowledge:
        for code in a.systems or [GENERAL]:
            by_system[code].append(a)
    faults_of: dict[str, list[Fault]] = defaultdict(list)
    for f in faults:
        faults_of[f.system].append(f)
    sections = [_chapter(s["name"], bool(s.get("core")), by_system[s["code"]], faults_of[s["code"]])
                for s in systems]
    if by_system[GENERAL]:
        general = [line for a in by_system[GENERAL] for line in _article_lines(a)]
        sections.append(Section("通用知识", paragraphs=general, new_page=True))
    for n, section in enumerate(sections, 1):
        section.heading = f"第{n}章　{section.heading}"
    covered = sum(1 for s in systems if by_system[s["code"]])
    return Report(
        kind="manual", title=f"{project}技术服务手册（{year}年度）",
        facts=[("项目名称", project), ("年度", f"{year}年"), ("编制单位", vendor),
               ("系统数", str(len(systems))), ("知识条目", str(len(knowledge))),
               ("生成时间", minute_text(datetime.now(SHANGHAI)))],
        sections=sections,
        numbers={"systems": len(systems), "systems_with_knowledge": covered, "articles": len(knowledge),
                 "faults": sum(f.kind == "incident" for f in faults)})
