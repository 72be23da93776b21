import uuid

from sqlalchemy import ForeignKey, String
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.orm import Mapped, mapped_column

from ticketing.tables import Base


class TicketSearch(Base):
    """A ticket's words as lexemes (jieba-cut, see knowledge.segment): the public ones, and
    all of them (internal comments too), so a client's officer never finds a ticket by
    what only the desk wrote. Not under row-level security (migration 0017 says why):
    readers filter tenant_id and join tickets."""

    __tablename__ = "ticket_search"

    ticket_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("ticketing.tickets.id", ondelete="CASCADE"), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(String(32))
    public_terms: Mapped[str] = mapped_column(TSVECTOR)
    all_terms: Mapped[str] = mapped_column(TSVECTOR)
