"""Finding tickets: their words for full-text search (public and internal apart), and when
each was resolved; the timeline's comment entries name their comment

Revision ID: 0017
Revises: 0016
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import TSVECTOR, UUID

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None
S = "ticketing"
BATCH = 1000


def upgrade() -> None:
    op.create_table(
        "ticket_search",
        sa.Column("ticket_id", UUID(as_uuid=True),
                  sa.ForeignKey(f"{S}.tickets.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("tenant_id", sa.String(32), nullable=False),
        sa.Column("public_terms", TSVECTOR, nullable=False),
        sa.Column("all_terms", TSVECTOR, nullable=False),
        schema=S,
    )
    op.create_index("ticket_search_public", "ticket_search", ["public_terms"],
                    postgresql_using="gin", schema=S)
    op.create_index("ticket_search_all", "ticket_search", ["all_terms"],
                    postgresql_using="gin", schema=S)
    # No row-level security on this one table, by design: under RLS PostgreSQL may not use
    # the GIN index for `@@` (not a leakproof operator, so it cannot run before the policy),
    # and every search became a scan of all tenants' words (bench ticket-search: a narrow
    # search 60–130 ms instead of a few). It holds lexemes, no text; every read filters
    # tenant_id itself and joins tickets, whose policy still decides what is seen.

    op.add_column("tickets", sa.Column("resolved_at", sa.DateTime(timezone=True)), schema=S)
    # When a resolved or closed ticket last became resolved, from its timeline.
    op.execute(f"""
        UPDATE {S}.tickets t SET resolved_at = r.at
          FROM (SELECT ticket_id, max(at) AS at FROM {S}.ticket_timeline
                 WHERE to_status = 'resolved' GROUP BY ticket_id) r
         WHERE r.ticket_id = t.id AND t.status IN ('resolved', 'closed')""")
    op.create_index("tickets_tenant_resolved", "tickets", ["tenant_id", "resolved_at"],
                    postgresql_where=sa.text("resolved_at IS NOT NULL"), schema=S)
    _index_existing_tickets()


def _index_existing_tickets() -> None:
    """Tickets written before this revision get their words now, a batch at a time. The SQL
    is this revision's own (the schema as it is here); only the word cutting is shared with
    the service, so old tickets are cut exactly as new ones."""
    from ticketing.knowledge.segment import document_terms

    connection = op.get_bind()
    last = None
    while True:
        tickets = connection.execute(sa.text(
            f"SELECT id, tenant_id, number, title, description, system_code, source, external_id, "
            f"fingerprint FROM {S}.tickets WHERE (CAST(:last AS uuid) IS NULL OR id > :last) "
            f"ORDER BY id LIMIT {BATCH}"), {"last": last}).all()
        if not tickets:
            return
        said: dict = {}
        for ticket_id, visibility, body in connection.execute(sa.text(
                f"SELECT ticket_id, visibility, body FROM {S}.ticket_comments "
                f"WHERE ticket_id = ANY(:ids) AND redacted_at IS NULL"), {"ids": [t.id for t in tickets]}):
            said.setdefault((ticket_id, visibility), []).append(body)
        connection.execute(sa.text(_UPSERT), [{
            "ticket_id": t.id, "tenant_id": t.tenant_id,
            # the number whole and by its serial, as ticketing.search.index.number_terms
            "a": f"{t.number.lower()} {t.number.rpartition('-')[2]} {document_terms(t.title)}",
            "b": document_terms(t.description or "", *said.get((t.id, "public"), [])),
            "c": document_terms(*(v for v in (t.system_code, t.source, t.external_id, t.fingerprint) if v)),
            "internal": document_terms(*said.get((t.id, "internal"), []))} for t in tickets])
        last = tickets[-1].id


def _vector(param: str, weight: str) -> str:
    return f"setweight(array_to_tsvector(array_remove(string_to_array(:{param}, ' '), '')), '{weight}')"


_PUBLIC = f"{_vector('a', 'A')} || {_vector('b', 'B')} || {_vector('c', 'C')}"
_UPSERT = f"""
    INSERT INTO {S}.ticket_search (ticket_id, tenant_id, public_terms, all_terms)
    VALUES (:ticket_id, :tenant_id, {_PUBLIC}, {_PUBLIC} || {_vector('internal', 'B')})
    ON CONFLICT (ticket_id) DO NOTHING"""


def downgrade() -> None:
    op.drop_index("tickets_tenant_resolved", "tickets", schema=S)
    op.drop_column("tickets", "resolved_at", schema=S)
    op.drop_table("ticket_search", schema=S)
