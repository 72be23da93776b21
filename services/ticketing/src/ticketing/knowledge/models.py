import uuid
from datetime import datetime

from sqlalchemy import (
    ARRAY,
    BigInteger,
    Computed,
    DateTime,
    ForeignKey,
    Identity,
    Integer,
    String,
    Text,
    Uuid,
    func,
)
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.orm import Mapped, mapped_column

from ticketing.tables import Base


class Article(Base):
    """A knowledge article (知识库) at its current version. `title_terms` and
    `body_terms` hold the text cut into words (jieba); the words become lexemes as
    they are (array_to_tsvector), not through a text-search parser, whose idea of a
    letter depends on the database's locale and may not include Chinese."""

    __tablename__ = "knowledge_articles"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    seq: Mapped[int] = mapped_column(BigInteger, Identity(always=True), unique=True)
    tenant_id: Mapped[str] = mapped_column(String(32))
    version: Mapped[int] = mapped_column(Integer, default=1)
    title: Mapped[str] = mapped_column(String(200))
    background: Mapped[str] = mapped_column(Text)     # 背景描述
    applies_to: Mapped[str] = mapped_column(Text)     # 应用部位
    summary: Mapped[str] = mapped_column(Text)        # 知识归纳
    systems: Mapped[list[str]] = mapped_column(ARRAY(String(64)), default=list)
    ticket_ids: Mapped[list[uuid.UUID]] = mapped_column(ARRAY(Uuid), default=list)
    tags: Mapped[list[str]] = mapped_column(ARRAY(String(32)), default=list)
    title_terms: Mapped[str] = mapped_column(Text)
    body_terms: Mapped[str] = mapped_column(Text)
    terms: Mapped[str] = mapped_column(TSVECTOR, Computed(
        "setweight(array_to_tsvector(array_remove(string_to_array(title_terms, ' '), '')), 'A') || "
        "setweight(array_to_tsvector(array_remove(string_to_array(body_terms, ' '), '')), 'B')",
        persisted=True))
    updated_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    @property
    def number(self) -> str:
        return f"K{self.seq:06d}"


class ArticleVersion(Base):
    """Every version as it was saved, the current one included."""

    __tablename__ = "knowledge_versions"

    article_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("ticketing.knowledge_articles.id", ondelete="CASCADE"), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(200))
    background: Mapped[str] = mapped_column(Text)
    applies_to: Mapped[str] = mapped_column(Text)
    summary: Mapped[str] = mapped_column(Text)
    systems: Mapped[list[str]] = mapped_column(ARRAY(String(64)), default=list)
    edited_by: Mapped[str] = mapped_column(String(100))
    edited_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    note: Mapped[str | None] = mapped_column(Text)
