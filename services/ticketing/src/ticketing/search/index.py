"""Keeping a ticket's search words current. Called wherever a ticket's text changes —
created, imported, edited, commented, a comment edited or redacted, a file attached — in the same
transaction, so the index never lags what the ticket says.

Weights: A the number and title, B the description and the conversation, C the
monitoring fields (system, source, the platform's and the monitor's ids)."""

from __future__ import annotations

from collections import defaultdict
from uuid import UUID

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from ticketing.knowledge.segment import document_terms

_TICKETS = text("""
    SELECT id, tenant_id, number, title, description, system_code, source, external_id, fingerprint
      FROM ticketing.tickets WHERE id = ANY(:ids)""")
# What was said, and the names of the files attached (a file is found by its name).
_COMMENTS = text("""
    SELECT ticket_id, visibility, body FROM ticketing.ticket_comments
     WHERE ticket_id = ANY(:ids) AND redacted_at IS NULL
    UNION ALL
    SELECT ticket_id, visibility, filename FROM ticketing.ticket_attachments WHERE ticket_id = ANY(:ids)""")


def _vector(param: str, weight: str) -> str:
    # the words become lexemes as they are, as the knowledge base's do (no parser, no locale)
    return f"setweight(array_to_tsvector(array_remove(string_to_array(:{param}, ' '), '')), '{weight}')"


_PUBLIC = f"{_vector('a', 'A')} || {_vector('b', 'B')} || {_vector('c', 'C')}"
# The desk searches everything; a client's roles only the public words (two GIN indexes,
# so either search is an index scan).
_UPSERT = text(f"""
    INSERT INTO ticketing.ticket_search (ticket_id, tenant_id, public_terms, all_terms)
    VALUES (:ticket_id, :tenant_id, {_PUBLIC}, {_PUBLIC} || {_vector('internal', 'B')})
    ON CONFLICT (ticket_id) DO UPDATE
       SET public_terms = excluded.public_terms, all_terms = excluded.all_terms""")


def number_terms(number: str) -> str:
    """T2026-000123 as `t2026-000123` and `000123`: found whole or by its serial, and no
    `t2026` lexeme that every ticket of the year would share."""
    return f"{number.lower()} {number.rpartition('-')[2]}"


def _documents(tickets, comments) -> list[dict]:
    said: dict[UUID, dict[str, list[str]]] = defaultdict(lambda: {"public": [], "internal": []})
    for ticket_id, visibility, body in comments:
        said[ticket_id][visibility].append(body)
    out = []
    for t in tickets:
        conversation = said[t.id]
        out.append({
            "ticket_id": t.id, "tenant_id": t.tenant_id,
            "a": f"{number_terms(t.number)} {document_terms(t.title)}",
            "b": document_terms(t.description or "", *conversation["public"]),
            "c": document_terms(*(v for v in (t.system_code, t.source, t.external_id,
                                              t.fingerprint) if v)),
            "internal": document_terms(*conversation["internal"]),
        })
    return out


async def index_new(session: AsyncSession, ticket) -> None:
    """The words of a ticket just created: no conversation or file yet, and its text is
    at hand (one statement where `reindex` reads the ticket and its comments back)."""
    await session.execute(_UPSERT, _documents([ticket], []))


async def reindex(session: AsyncSession, *ticket_ids: UUID) -> None:
    ids = list(ticket_ids)
    await session.flush()  # the changes this request made are what gets indexed
    tickets = (await session.execute(_TICKETS, {"ids": ids})).all()
    comments = (await session.execute(_COMMENTS, {"ids": ids})).all()
    documents = _documents(tickets, comments)
    if documents:
        await session.execute(_UPSERT, documents)

