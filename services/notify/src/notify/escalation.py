"""Escalation: an unacknowledged event goes to the rule's next level after its minutes.

Acknowledged by a person (`POST /notifications/{id}/acknowledge`) or by an event about
the same subject that the rule names in `acknowledged_by` (a ticket taken up). The watch
takes due rows FOR UPDATE SKIP LOCKED from `escalation_due` (no tenant data there, like
the delivery queue), then works under the row's tenant; the next level's messages are
recorded in the same transaction as the step forward, so two watches send it once."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from opspact.db import Database, bind_tenant
from opspact.leader import LeaderLoop
from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from notify import tenant_settings
from notify.notifications.models import Escalation, EscalationDue, Notification
from notify.routing import Occurrence, deliver_level
from notify.tenant_settings import NotifyTenantSettings

log = logging.getLogger(__name__)


async def acknowledge(session: AsyncSession, tenant_id: str, by: str, now: datetime,
                      event_id: str | None = None, subject: str | None = None,
                      rules: list[str] | None = None) -> int:
    """Stop the waiting escalations of an event (or of a subject, for the given rules)."""
    conditions = [Escalation.tenant_id == tenant_id, Escalation.state == "waiting"]
    if event_id is not None:
        conditions.append(Escalation.source_event_id == event_id)
    if subject is not None:
        conditions.append(Escalation.subject == subject)
    if rules is not None:
        conditions.append(Escalation.rule.in_(rules))
    stopped = list((await session.execute(
        update(Escalation).where(*conditions)
        .values(state="acknowledged", acknowledged_at=now, acknowledged_by=by)
        .returning(Escalation.source_event_id, Escalation.rule))).all())
    for source_event_id, rule in stopped:
        await session.execute(delete(EscalationDue).where(
            EscalationDue.tenant_id == tenant_id, EscalationDue.source_event_id == source_event_id,
            EscalationDue.rule == rule))
        await session.execute(update(Notification).where(
            Notification.tenant_id == tenant_id, Notification.source_event_id == source_event_id,
            Notification.rule == rule, Notification.acknowledged_at.is_(None))
            .values(acknowledged_at=now, acknowledged_by=by))
    return len(stopped)


async def acknowledge_by_event(session: AsyncSession, settings: NotifyTenantSettings,
                               tenant_id: str, event_type: str, subject: str | None,
                               actor: str, now: datetime) -> int:
    rules = [r.name for r in settings.rules if event_type in r.acknowledged_by]
    if not rules or not subject:
        return 0
    return await acknowledge(session, tenant_id, f"{event_type} by {actor}", now, subject=subject,
                             rules=rules)


async def step(db: Database) -> bool:
    """Escalate the next due row; False when none is due."""
    async with db.unit_of_work() as session:
        due = (await session.execute(
            select(EscalationDue).where(EscalationDue.due_at <= func.now())
            .order_by(EscalationDue.due_at).limit(1).with_for_update(skip_locked=True))).scalar_one_or_none()
        if due is None:
            return False
        await bind_tenant(session, due.tenant_id)
        row = (await session.execute(select(Escalation).where(
            Escalation.tenant_id == due.tenant_id, Escalation.source_event_id == due.source_event_id,
            Escalation.rule == due.rule).with_for_update())).scalar_one_or_none()
        if row is None or row.state != "waiting":
            await session.delete(due)
            return True
        _, settings = await tenant_settings.load(session, row.tenant_id)
        rule = next((r for r in settings.rules if r.name == row.rule), None)
        if rule is None or row.next_level >= len(rule.levels):
            # The rule was removed or shortened since: nothing left to escalate to.
            row.state = "exhausted"
            await session.delete(due)
            return True
        now = datetime.now(UTC)
        await deliver_level(session, settings, rule, row.next_level, Occurrence(
            row.tenant_id, row.source_event_id, row.event_type, row.subject, row.data), now)
        row.next_level += 1
        if row.next_level < len(rule.levels):
            row.due_at = due.due_at = row.created_at + timedelta(
                minutes=rule.levels[row.next_level].after_minutes)
        else:
            row.state = "exhausted"
            await session.delete(due)
        return True


class EscalationWatch(LeaderLoop):
    def __init__(self, db: Database, tick_seconds: float = 15.0) -> None:
        super().__init__(db, tick_seconds, "watch:notify-escalation")
        self.escalated = 0

    async def tick(self) -> int:
        done = 0
        while await step(self.db):
            done += 1
        self.escalated += done
        return done
