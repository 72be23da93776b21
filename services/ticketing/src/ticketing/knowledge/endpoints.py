"""The knowledge base over HTTP: write, version, search, and suggest for an incident."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Depends, Query
from opspact.app import SESSION, current_principal
from opspact.auth import Principal
from opspact.permissions import require
from sqlalchemy.ext.asyncio import AsyncSession

from ticketing.knowledge import service
from ticketing.knowledge.models import Article
from ticketing.knowledge.schemas import ArticleIn, ArticleOut, ArticlePage, ArticleUpdate, VersionOut

router = APIRouter(prefix="/knowledge", tags=["knowledge"])


def to_out(article: Article, rank: float | None = None) -> ArticleOut:
    return ArticleOut(
        id=article.id, number=article.number, version=article.version, title=article.title,
        background=article.background, applies_to=article.applies_to, summary=article.summary,
        systems=article.systems, ticket_ids=article.ticket_ids, tags=article.tags,
        updated_by=article.updated_by, created_at=article.created_at, updated_at=article.updated_at,
        rank=rank)


@router.post("", status_code=201, response_model=ArticleOut)
async def create_article(body: ArticleIn, principal: Principal = Depends(current_principal),
                         session: AsyncSession = SESSION) -> ArticleOut:
    """A knowledge article: background (背景描述), where it applies (应用部位) and the
    knowledge itself (知识归纳), linked to systems and tickets."""
    require(principal, "knowledge.write")
    return to_out(await service.create(session, principal.tenant, body, principal.subject))


@router.get("", response_model=ArticlePage)
async def search_articles(q: str | None = Query(default=None, min_length=1, max_length=500),
                          system: str | None = Query(default=None, max_length=64),
                          limit: int = Query(20, ge=1, le=100), offset: int = Query(0, ge=0, le=100_000),
                          principal: Principal = Depends(current_principal),
                          session: AsyncSession = SESSION) -> ArticlePage:
    """Search in Chinese (e.g. 连接池 finds 数据库连接池), ranked; newest first without `q`."""
    require(principal, "knowledge.read")
    found, total, terms, matched = await service.search(session, principal.tenant, q, system, limit, offset)
    return ArticlePage(items=[to_out(a, r) for a, r in found], total=total, limit=limit, offset=offset,
                       terms=terms, matched=matched)


@router.get("/suggestions", response_model=ArticlePage)
async def suggest_articles(ticket_id: UUID, limit: int = Query(5, ge=1, le=20),
                           principal: Principal = Depends(current_principal),
                           session: AsyncSession = SESSION) -> ArticlePage:
    """Articles that may help with an incident, from its title and description."""
    require(principal, "knowledge.read")
    require(principal, "tickets.read")
    found, terms = await service.suggest_for_ticket(session, principal.tenant, ticket_id, limit)
    return ArticlePage(items=[to_out(a, r) for a, r in found], total=len(found), limit=limit, offset=0,
                       terms=terms, matched="any" if terms else None)


@router.get("/{article_id}", response_model=ArticleOut)
async def get_article(article_id: UUID, principal: Principal = Depends(current_principal),
                      session: AsyncSession = SESSION) -> ArticleOut:
    require(principal, "knowledge.read")
    return to_out(await service.get(session, principal.tenant, article_id))


@router.put("/{article_id}", response_model=ArticleOut)
async def update_article(article_id: UUID, body: ArticleUpdate,
                         principal: Principal = Depends(current_principal),
                         session: AsyncSession = SESSION) -> ArticleOut:
    """A new version; `version` must be the one the edit started from."""
    require(principal, "knowledge.write")
    return to_out(await service.update(session, principal.tenant, article_id, body, principal.subject))


@router.get("/{article_id}/versions", response_model=list[VersionOut])
async def article_versions(article_id: UUID, principal: Principal = Depends(current_principal),
                           session: AsyncSession = SESSION) -> list[VersionOut]:
    require(principal, "knowledge.read")
    return [VersionOut.model_validate(v, from_attributes=True)
            for v in await service.versions(session, principal.tenant, article_id)]
