"""Knowledge rules: articles tied to systems in scope and to tickets of the tenant,
versioned (an edit names the version it started from), searched in Chinese."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

from opspact.errors import Conflict, NotFound, Unprocessable
from sqlalchemy import and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from ticketing.knowledge.models import Article, ArticleVersion
from ticketing.knowledge.schemas import ArticleIn, ArticleUpdate
from ticketing.knowledge.segment import MAX_QUERY_TERMS, document_terms, query_terms, tsquery
from ticketing.tickets import service as tickets
from ticketing.tickets.models import Ticket
from ticketing.tickets.service import systems_of


async def _check_links(session: AsyncSession, tenant_id: str, body: ArticleIn) -> None:
    known = await systems_of(session, tenant_id)
    unknown = sorted(set(body.systems) - set(known))
    if unknown:
        raise Unprocessable(f"unknown systems {unknown} for tenant {tenant_id}",
                            errors=[{"field": "body.systems", "message": "unknown system"}])
    if body.ticket_ids:
        found = set((await session.execute(select(Ticket.id).where(
            Ticket.tenant_id == tenant_id, Ticket.id.in_(body.ticket_ids)))).scalars())
        missing = [str(t) for t in body.ticket_ids if t not in found]
        if missing:
            raise Unprocessable(f"tickets not found: {missing}",
                                errors=[{"field": "body.ticket_ids", "message": "not found"}])


def _apply(article: Article, body: ArticleIn, actor: str) -> None:
    article.title, article.background, article.applies_to, article.summary = (
        body.title, body.background, body.applies_to, body.summary)
    article.systems = list(dict.fromkeys(body.systems))
    article.ticket_ids = list(dict.fromkeys(body.ticket_ids))
    article.tags = list(dict.fromkeys(body.tags))
    article.title_terms = document_terms(body.title, " ".join(body.tags))
    article.body_terms = document_terms(body.background, body.applies_to, body.summary)
    article.updated_by = actor


def _snapshot(article: Article, actor: str, note: str | None) -> ArticleVersion:
    return ArticleVersion(article_id=article.id, version=article.version, tenant_id=article.tenant_id,
                          title=article.title, background=article.background,
                          applies_to=article.applies_to, summary=article.summary,
                          systems=article.systems, edited_by=actor, note=note)


async def create(session: AsyncSession, tenant_id: str, body: ArticleIn, actor: str) -> Article:
    await _check_links(session, tenant_id, body)
    article = Article(tenant_id=tenant_id, version=1)
    _apply(article, body, actor)
    session.add(article)
    await session.flush()
    session.add(_snapshot(article, actor, "创建"))
    await session.flush()
    await session.refresh(article)
    return article


async def get(session: AsyncSession, tenant_id: str, article_id: UUID, for_update: bool = False) -> Article:
    query = select(Article).where(Article.tenant_id == tenant_id, Article.id == article_id)
    article = (await session.execute(query.with_for_update() if for_update else query)).scalar_one_or_none()
    if article is None:
        raise NotFound(f"knowledge article {article_id} not found")
    return article


async def update(session: AsyncSession, tenant_id: str, article_id: UUID, body: ArticleUpdate,
                 actor: str) -> Article:
    article = await get(session, tenant_id, article_id, for_update=True)
    if body.version != article.version:
        raise Conflict(f"article {article.number} is at version {article.version}, the edit started "
                       f"from {body.version}: reload it and edit again")
    await _check_links(session, tenant_id, body)
    _apply(article, body, actor)
    article.version += 1
    article.updated_at = datetime.now(UTC)
    session.add(_snapshot(article, actor, body.note))
    await session.flush()
    await session.refresh(article)
    return article


async def versions(session: AsyncSession, tenant_id: str, article_id: UUID) -> list[ArticleVersion]:
    await get(session, tenant_id, article_id)
    rows = await session.execute(select(ArticleVersion).where(
        ArticleVersion.tenant_id == tenant_id, ArticleVersion.article_id == article_id)
        .order_by(ArticleVersion.version.desc()))
    return list(rows.scalars())


async def search(session: AsyncSession, tenant_id: str, q: str | None, system: str | None,
                 limit: int, offset: int
                 ) -> tuple[list[tuple[Article, float | None]], int, list[str], str | None]:
    """Articles ranked by how well they match `q`: first those with every word; when
    none has them all, those with some, ranked (title words weigh more). Without `q`,
    the newest first."""
    conditions = [Article.tenant_id == tenant_id]
    if system:
        conditions.append(Article.systems.any(system))
    if q is None:
        count = select(func.count()).select_from(Article).where(*conditions)
        total = (await session.execute(count)).scalar_one()
        rows = await session.execute(select(Article).where(*conditions)
                                     .order_by(Article.updated_at.desc()).limit(limit).offset(offset))
        return [(a, None) for a in rows.scalars()], total, [], None
    terms = query_terms(q)[:MAX_QUERY_TERMS]
    if not terms:
        raise Unprocessable("the query has no searchable words")
    found, total, matched = await _ranked(session, conditions, terms, ("all", "any"), limit, offset)
    return found, total, terms, matched


async def _ranked(session: AsyncSession, conditions: list, terms: list[str], modes: tuple[str, ...],
                  limit: int, offset: int) -> tuple[list[tuple[Article, float]], int, str]:
    """Matches of `terms` under the first mode (all / any word) that finds any."""
    for matched in modes:
        query = tsquery(terms, "&" if matched == "all" else "|")
        where = and_(*conditions, Article.terms.op("@@")(query))
        total = (await session.execute(select(func.count()).select_from(Article).where(where))).scalar_one()
        if total:
            break
    rank = func.ts_rank(Article.terms, query).label("rank")
    rows = await session.execute(select(Article, rank).where(where)
                                 .order_by(rank.desc(), Article.updated_at.desc())
                                 .limit(limit).offset(offset))
    return [(a, float(r)) for a, r in rows], total, matched


async def suggest_for_ticket(session: AsyncSession, tenant_id: str, ticket_id: UUID,
                             limit: int) -> tuple[list[tuple[Article, float]], list[str]]:
    """Articles for an incident, from its title and description (any word, ranked)."""
    ticket = await tickets.get(session, tenant_id, ticket_id)
    terms = query_terms(f"{ticket.title} {ticket.description or ''}")[:MAX_QUERY_TERMS]
    if not terms:
        return [], []
    found, _, _ = await _ranked(session, [Article.tenant_id == tenant_id], terms, ("any",), limit, 0)
    return found, terms
