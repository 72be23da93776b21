import uuid
from datetime import date, datetime

from sqlalchemy import BigInteger, Boolean, Date, DateTime, Index, Integer, String, Text, func, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from notify.tables import Base


class Notification(Base):
    """One message to one recipient over one channel, and what became of it."""

    __tablename__ = "notifications"
    __table_args__ = (
        # One message per source event × channel × recipient, however often the event arrives.
        Index("notifications_once", "tenant_id", "source_event_id", "channel", "recipient",
              unique=True),
        Index("notifications_tenant_created", "tenant_id", "created_at"),
        # Frequency limits count what a recipient was sent lately.
        Index("notifications_recipient_sent", "tenant_id", "recipient", "sent_at"),
        Index("notifications_provider_id", "provider", "provider_message_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    tenant_id: Mapped[str] = mapped_column(String(32))
    source_event_id: Mapped[str] = mapped_column(String(64))
    source_event_type: Mapped[str] = mapped_column(String(128))
    subject: Mapped[str | None] = mapped_column(String(128))
    rule: Mapped[str | None] = mapped_column(String(64))
    level: Mapped[int] = mapped_column(Integer, default=0)
    audience: Mapped[str | None] = mapped_column(String(80))
    contact: Mapped[str | None] = mapped_column(String(64))
    contact_name: Mapped[str | None] = mapped_column(String(50))
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    channel: Mapped[str] = mapped_column(String(16))
    recipient: Mapped[str] = mapped_column(String(128))
    # Channels still to try, in order, if this one fails for good.
    fallback: Mapped[list] = mapped_column(JSONB, server_default=text("'[]'::jsonb"))
    title: Mapped[str | None] = mapped_column(String(200))
    template: Mapped[str | None] = mapped_column(String(64))
    template_version: Mapped[int | None] = mapped_column(Integer)
    fields: Mapped[list] = mapped_column(JSONB, server_default=text("'[]'::jsonb"))  # [name, value] pairs
    body: Mapped[str] = mapped_column(Text)
    # {message_id, in_reply_to, references, subject, reply_to} of a reply in a mail thread
    mail_thread: Mapped[dict | None] = mapped_column(JSONB)
    segments: Mapped[int | None] = mapped_column(Integer)
    # queued | sent | delivered | failed | suppressed
    status: Mapped[str] = mapped_column(String(16), default="queued")
    reason: Mapped[str | None] = mapped_column(Text)
    provider: Mapped[str | None] = mapped_column(String(32))
    provider_message_id: Mapped[str | None] = mapped_column(String(128))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    # Set when a send timed out: the provider may have it, so ask before sending again.
    outcome_unknown_since: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # When the provider was last asked about a sent message it has not reported on.
    receipt_checked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    deferred_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    acknowledged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    acknowledged_by: Mapped[str | None] = mapped_column(String(128))


class DeliveryQueue(Base):
    """Ids of notifications to send. Not under RLS (like the outbox): the sender
    serves every tenant, then reads the notification itself under its tenant."""

    __tablename__ = "delivery_queue"

    notification_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    tenant_id: Mapped[str] = mapped_column(String(32))
    not_before: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now(),
                                                 index=True)


class Escalation(Base):
    """A rule with later levels, waiting for someone to acknowledge its event."""

    __tablename__ = "escalations"

    tenant_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    source_event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    rule: Mapped[str] = mapped_column(String(64), primary_key=True)
    subject: Mapped[str | None] = mapped_column(String(128), index=True)
    event_type: Mapped[str] = mapped_column(String(128))
    data: Mapped[dict] = mapped_column(JSONB)
    next_level: Mapped[int] = mapped_column(Integer)
    due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    state: Mapped[str] = mapped_column(String(16), default="waiting")  # waiting | acknowledged | exhausted
    acknowledged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    acknowledged_by: Mapped[str | None] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class EscalationDue(Base):
    """When each waiting escalation is next due; not under RLS, like the delivery queue."""

    __tablename__ = "escalation_due"

    tenant_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    source_event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    rule: Mapped[str] = mapped_column(String(64), primary_key=True)
    due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class TemplateVersion(Base):
    """A tenant's own version of a built-in template (version 0 lives in the catalogue)."""

    __tablename__ = "template_versions"

    tenant_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    fields: Mapped[list] = mapped_column(JSONB)
    text: Mapped[str] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class QuotaUsage(Base):
    """SMS segments sent per tenant and contract year, and the thresholds announced."""

    __tablename__ = "sms_quota_usage"

    tenant_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    year_start: Mapped[date] = mapped_column(Date, primary_key=True)
    segments: Mapped[int] = mapped_column(BigInteger, default=0)
    warned_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reached_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
