"""The integration event of a published report (through the outbox): notify announces it
to the people who sign the reports off."""

from __future__ import annotations

from opspact.events import CloudEvent, new_event

from ticketing.archive.models import ArchivedReport, FileInfo
from ticketing.reports import labels
from ticketing.signoff.models import SignOff


def published(row: ArchivedReport, files: list[FileInfo], numbers: dict[str, int | str]) -> CloudEvent:
    return new_event("ticketing", "report", "published", row.tenant_id, str(row.id), {
        "archive_id": row.id, "kind": row.kind, "kind_name": labels.TITLES[row.kind],
        "period": row.period, "label": row.label, "title": row.title, "version": row.version,
        "reason": row.reason, "first": row.first_day.isoformat(), "last": row.last_day.isoformat(),
        "published_by": row.published_by, "published_at": row.published_at.isoformat(),
        "files": {f.format: {"sha256": f.sha256, "size": f.size} for f in files},
        # the few figures a manager wants in the message itself
        "tickets": numbers.get("tickets", 0), "sla_attainment": numbers.get("sla_attainment", "—"),
        "rounds_missed": numbers.get("rounds_missed", 0)})


def signed(row: ArchivedReport, s: SignOff) -> CloudEvent:
    """`ticketing.report.accepted.v1` | `…rejected.v1`: the client's decision on a version."""
    return new_event("ticketing", "report", s.decision, row.tenant_id, str(row.id), {
        "archive_id": row.id, "kind": row.kind, "kind_name": labels.TITLES[row.kind], "period": row.period,
        "label": row.label, "title": row.title, "version": row.version, "format": s.part, "sha256": s.sha256,
        "decision": s.decision, "comment": s.comment, "signed_by": s.signed_by, "method": s.method,
        "signed_at": s.signed_at.isoformat()})
