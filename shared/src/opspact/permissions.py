"""Who may do what: the one permission table, enforced by the gateway before it
forwards and again by each service before it acts.

Every route of every service is listed here with the permission it needs. The
gateway refuses a route that is not listed (deny by default), and a test walks
every listed route with every role through the running gateway, and checks that
the services' OpenAPI specs list no route this table does not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from opspact.auth import ROLES, Principal
from opspact.errors import Forbidden

CLIENT_SIDE = {"client_admin", "client_viewer"}
VENDOR_SIDE = {"vendor_engineer", "vendor_manager"}

PERMISSIONS: dict[str, frozenset[str]] = {
    # Tickets are read by everyone holding the engagement to account (finance: damages).
    "tickets.read": frozenset(CLIENT_SIDE | VENDOR_SIDE | {"finance", "auditor", "platform_admin"}),
    # The police side reports and closes faults; the vendor works them; systems post them.
    "tickets.write": frozenset({"client_admin"} | VENDOR_SIDE | {"integration", "platform_admin"}),
    "tickets.import": frozenset({"vendor_manager", "platform_admin"}),
    # The desk's internal notes on a ticket: the vendor's people and those who audit them;
    # the client reads the public conversation. Redacting a comment (it is evidence) is for
    # the managers of both sides.
    "comments.internal": frozenset(VENDOR_SIDE | {"auditor", "platform_admin"}),
    "comments.redact": frozenset({"vendor_manager", "client_admin", "platform_admin"}),
    "hooks.post": frozenset({"integration", "platform_admin"}),
    # The asset register is read by both sides; the vendor keeps it (the client's
    # administrators may correct it too).
    "assets.read": frozenset(CLIENT_SIDE | VENDOR_SIDE | {"auditor", "platform_admin"}),
    "assets.write": frozenset({"client_admin"} | VENDOR_SIDE | {"platform_admin"}),
    # Staff records hold security paperwork: the vendor's managers keep them, the
    # client's administrators and auditors check them.
    "staff.read": frozenset({"client_admin", "vendor_manager", "auditor", "platform_admin"}),
    "staff.write": frozenset({"vendor_manager", "platform_admin"}),
    # Who is on duty is needed by everyone who may have to call them (and by notify).
    "roster.read": frozenset(CLIENT_SIDE | VENDOR_SIDE | {"auditor", "integration",
                                                          "platform_admin"}),
    "roster.write": frozenset({"vendor_manager", "platform_admin"}),
    # Attendance as it happened: the vendor's people record their own (managers correct
    # anyone's); the client assesses it, auditors check it.
    "attendance.record": frozenset(VENDOR_SIDE | {"platform_admin"}),
    # a site's door or attendance system's records, imported by the project manager
    "attendance.import": frozenset({"vendor_manager", "platform_admin"}),
    "attendance.read": frozenset(CLIENT_SIDE | VENDOR_SIDE | {"auditor", "platform_admin"}),
    # Which privileged accounts exist where is a map for an attacker: managers and
    # administrators of both sides keep the register, auditors check it. No secrets in it.
    "credentials.read": frozenset({"client_admin", "vendor_manager", "auditor", "platform_admin"}),
    "credentials.write": frozenset({"client_admin", "vendor_manager", "platform_admin"}),
    # The contract's money: both sides' managers and finance read it; a person records
    # what happened (acceptance, a breach); confirming or waiving a penalty is for the
    # client's administrators and the vendor's managers, with a reason.
    "billing.read": frozenset({"client_admin", "vendor_manager", "finance", "auditor",
                               "platform_admin"}),
    "billing.record": frozenset({"client_admin", "vendor_manager", "platform_admin"}),
    "billing.decide": frozenset({"client_admin", "vendor_manager", "platform_admin"}),
    # Invoices and money received are the vendor's books: its finance and managers keep them.
    "billing.settle": frozenset({"finance", "vendor_manager", "platform_admin"}),
    # Inspection records are acceptance evidence: both sides and auditors read them (and
    # finance, since missed rounds cost damages); the vendor's people record them.
    "inspections.read": frozenset(CLIENT_SIDE | VENDOR_SIDE | {"finance", "auditor", "platform_admin"}),
    "inspections.record": frozenset(VENDOR_SIDE | {"platform_admin"}),
    # Changes: the vendor (or the client's administrators) request them; only the
    # client's side approves (the chain per tenant names who); the vendor implements.
    "changes.read": frozenset(CLIENT_SIDE | VENDOR_SIDE | {"auditor", "platform_admin"}),
    "changes.submit": frozenset({"client_admin"} | VENDOR_SIDE | {"platform_admin"}),
    "changes.approve": frozenset({"client_admin", "platform_admin"}),
    "changes.implement": frozenset(VENDOR_SIDE | {"platform_admin"}),
    # Work log, knowledge base and emergency plans: kept by the vendor, read by both sides.
    "reports.read": frozenset(CLIENT_SIDE | VENDOR_SIDE | {"finance", "auditor", "platform_admin"}),
    # Publishing a period's report is the vendor handing it over (the scheduler does it as the
    # vendor's manager): the archived copy is what the client stamps and pays against.
    "reports.publish": frozenset({"vendor_manager", "platform_admin"}),
    # Deliverables (交付物): the vendor hands them over, the client's officer signs them off
    # (and archived reports too); everyone holding the contract to account reads the register.
    "deliverables.read": frozenset(CLIENT_SIDE | VENDOR_SIDE | {"finance", "auditor", "platform_admin"}),
    "deliverables.submit": frozenset(VENDOR_SIDE | {"platform_admin"}),
    "deliverables.signoff": frozenset({"client_admin"}),
    # Follow-ups (回访): the desk works them and records phone answers; both sides' managers
    # and auditors read the satisfaction; the reporter answers through the link, which the
    # gateway's public door forwards as an integration.
    "followups.read": frozenset(VENDOR_SIDE | {"client_admin", "auditor", "platform_admin"}),
    "followups.record": frozenset(VENDOR_SIDE | {"platform_admin"}),
    "followups.answer": frozenset({"integration", "platform_admin"}),
    "worklog.read": frozenset(CLIENT_SIDE | VENDOR_SIDE | {"auditor", "platform_admin"}),
    "worklog.write": frozenset(VENDOR_SIDE | {"platform_admin"}),
    "knowledge.read": frozenset(CLIENT_SIDE | VENDOR_SIDE | {"auditor", "platform_admin"}),
    "knowledge.write": frozenset(VENDOR_SIDE | {"platform_admin"}),
    "plans.read": frozenset(CLIENT_SIDE | VENDOR_SIDE | {"auditor", "platform_admin"}),
    "plans.write": frozenset({"client_admin"} | VENDOR_SIDE | {"platform_admin"}),
    "notifications.read": frozenset({"client_admin"} | VENDOR_SIDE | {"auditor", "platform_admin"}),
    # "I have it" stops an escalation: whoever may be paged may say so.
    "notifications.acknowledge": frozenset({"client_admin"} | VENDOR_SIDE | {"platform_admin"}),
    # Re-sending dead letters and rewording what every recipient reads: the vendor's managers.
    "notifications.replay": frozenset({"vendor_manager", "platform_admin"}),
    "templates.write": frozenset({"vendor_manager", "platform_admin"}),
    # SMS providers' delivery reports, through the gateway's callback door
    "receipts.post": frozenset({"integration", "platform_admin"}),
    # Tenant files carry contract terms and contacts: not for viewers or integrations.
    "tenants.read": frozenset({"client_admin", "vendor_manager", "finance", "auditor",
                               "platform_admin"}),
    "tenants.configure": frozenset({"platform_admin"}),
    # Events a consumer could not apply (parked damages, missed notifications): the vendor's
    # managers and the platform's operators look at them and replay them once fixed.
    "events.read": frozenset({"vendor_manager", "auditor", "platform_admin"}),
    "events.replay": frozenset({"vendor_manager", "platform_admin"}),
}
assert all(roles <= set(ROLES) for roles in PERMISSIONS.values())


@dataclass(frozen=True)
class Route:
    service: str
    method: str
    template: str  # `{name}` marks a path parameter
    permission: str
    # Services this route's handler reads from on the caller's behalf: the gateway hands
    # it a read-only delegated token for each (opspact.peers).
    delegates: tuple[str, ...] = ()

    def matches(self, method: str, path: str) -> bool:
        return method == self.method and _pattern(self.template).fullmatch(path) is not None


ALL_SERVICES = ("ticketing", "inventory", "billing", "notify")
CONSUMING_SERVICES = ("ticketing", "billing", "notify")  # the ones with an inbox consumer
ROUTES: tuple[Route, ...] = (
    Route("ticketing", "GET", "/tickets", "tickets.read"),
    Route("ticketing", "GET", "/tickets/export", "tickets.read"),
    Route("ticketing", "POST", "/tickets/bulk", "tickets.write"),
    Route("ticketing", "POST", "/tickets/{ticket_id}/attachments", "tickets.write"),
    Route("ticketing", "GET", "/tickets/{ticket_id}/attachments", "tickets.read"),
    Route("ticketing", "GET", "/tickets/{ticket_id}/attachments/{attachment_id}", "tickets.read"),
    Route("ticketing", "POST", "/tickets", "tickets.write"),
    Route("ticketing", "POST", "/tickets/import", "tickets.import"),
    Route("ticketing", "GET", "/tickets/{ticket_id}", "tickets.read"),
    Route("ticketing", "PATCH", "/tickets/{ticket_id}", "tickets.write"),
    Route("ticketing", "POST", "/tickets/{ticket_id}/transitions", "tickets.write"),
    Route("ticketing", "POST", "/tickets/{ticket_id}/effective-plan", "tickets.write"),
    Route("ticketing", "POST", "/tickets/{ticket_id}/visit", "tickets.write"),
    Route("ticketing", "POST", "/tickets/{ticket_id}/comments", "tickets.write"),
    Route("ticketing", "GET", "/tickets/{ticket_id}/comments", "tickets.read"),
    Route("ticketing", "PUT", "/tickets/{ticket_id}/comments/{comment_id}", "tickets.write"),
    Route("ticketing", "POST", "/tickets/{ticket_id}/comments/{comment_id}/redact", "comments.redact"),
    Route("ticketing", "POST", "/hooks/{source}", "hooks.post"),
    Route("ticketing", "GET", "/inspections/rounds", "inspections.read"),
    Route("ticketing", "GET", "/inspections/export", "inspections.read"),
    Route("ticketing", "GET", "/inspections/rounds/{round_key}", "inspections.read"),
    Route("ticketing", "PUT", "/inspections/rounds/{round_key}", "inspections.record"),
    Route("ticketing", "POST", "/inspections/rounds/{round_key}/items/{item}/evidence",
          "inspections.record"),
    Route("ticketing", "POST", "/inspections/rounds/{round_key}/items/{item}/incident",
          "inspections.record"),
    Route("ticketing", "GET", "/inspections/evidence/{evidence_id}", "inspections.read"),
    Route("ticketing", "POST", "/changes", "changes.submit"),
    Route("ticketing", "GET", "/changes", "changes.read"),
    Route("ticketing", "GET", "/changes/{change_id}", "changes.read"),
    Route("ticketing", "POST", "/changes/{change_id}/decisions", "changes.approve"),
    Route("ticketing", "POST", "/changes/{change_id}/start", "changes.implement"),
    Route("ticketing", "POST", "/changes/{change_id}/result", "changes.implement"),
    Route("ticketing", "POST", "/changes/{change_id}/cancel", "changes.submit"),
    Route("ticketing", "GET", "/effort-budgets", "changes.read"),
    Route("ticketing", "GET", "/contract-terms", "reports.read"),
    Route("inventory", "GET", "/contract-terms", "roster.read"),
    Route("ticketing", "GET", "/reports", "reports.read"),
    Route("ticketing", "GET", "/service-records", "reports.read"),
    Route("ticketing", "GET", "/service-records/{number}", "reports.read"),
    Route("ticketing", "POST", "/service-records/{number}/signoff", "deliverables.signoff"),
    Route("ticketing", "GET", "/manual", "reports.read"),
    Route("ticketing", "GET", "/reports/{kind}", "reports.read", delegates=("inventory", "billing")),
    Route("ticketing", "POST", "/report-archive", "reports.publish", delegates=("inventory", "billing")),
    Route("ticketing", "GET", "/report-archive", "reports.read"),
    Route("ticketing", "GET", "/report-archive/{archive_id}", "reports.read"),
    # The archived file holds people and money: the certificate rule of those services applies.
    Route("ticketing", "GET", "/report-archive/{archive_id}/{format}", "reports.read",
          delegates=("inventory", "billing")),
    Route("ticketing", "POST", "/report-archive/{archive_id}/signoff", "deliverables.signoff"),
    Route("ticketing", "GET", "/deliverables", "deliverables.read"),
    Route("ticketing", "GET", "/deliverables/{code}/{period}", "deliverables.read"),
    Route("ticketing", "POST", "/deliverables/{code}/{period}/versions", "deliverables.submit"),
    Route("ticketing", "GET", "/deliverables/{code}/{period}/versions/{version}", "deliverables.read"),
    Route("ticketing", "POST", "/deliverables/{code}/{period}/versions/{version}/signoff",
          "deliverables.signoff"),
    Route("inventory", "POST", "/staff/{code}/documents/{kind}", "staff.write"),
    Route("inventory", "GET", "/staff/{code}/documents", "staff.read"),
    Route("inventory", "GET", "/staff/{code}/documents/{document_id}", "staff.read"),
    Route("inventory", "GET", "/staff-documents", "staff.read"),
    Route("ticketing", "GET", "/follow-ups", "followups.read"),
    Route("ticketing", "GET", "/follow-ups/answer/{token}", "followups.answer"),
    Route("ticketing", "POST", "/follow-ups/answer/{token}", "followups.answer"),
    Route("ticketing", "POST", "/tickets/{ticket_id}/follow-up", "followups.record"),
    Route("ticketing", "POST", "/worklog", "worklog.write"),
    Route("ticketing", "GET", "/worklog", "worklog.read"),
    Route("ticketing", "POST", "/knowledge", "knowledge.write"),
    Route("ticketing", "GET", "/knowledge", "knowledge.read"),
    Route("ticketing", "GET", "/knowledge/suggestions", "knowledge.read"),
    Route("ticketing", "GET", "/knowledge/{article_id}", "knowledge.read"),
    Route("ticketing", "PUT", "/knowledge/{article_id}", "knowledge.write"),
    Route("ticketing", "GET", "/knowledge/{article_id}/versions", "knowledge.read"),
    Route("ticketing", "POST", "/emergency-plans", "plans.write"),
    Route("ticketing", "GET", "/emergency-plans", "plans.read"),
    Route("ticketing", "GET", "/emergency-plans/{plan_id}", "plans.read"),
    Route("ticketing", "PUT", "/emergency-plans/{plan_id}", "plans.write"),
    Route("ticketing", "POST", "/emergency-plans/{plan_id}/drills", "plans.write"),
    Route("inventory", "GET", "/assets", "assets.read"),
    Route("inventory", "POST", "/assets", "assets.write"),
    Route("inventory", "POST", "/assets/import", "assets.write"),
    Route("inventory", "GET", "/assets/{code}", "assets.read"),
    Route("inventory", "PATCH", "/assets/{code}", "assets.write"),
    Route("inventory", "POST", "/assets/{code}/retire", "assets.write"),
    Route("inventory", "GET", "/assets/{code}/relations", "assets.read"),
    Route("inventory", "POST", "/assets/{code}/relations", "assets.write"),
    Route("inventory", "DELETE", "/assets/{code}/relations/{type}/{to}", "assets.write"),
    Route("inventory", "GET", "/assets/{code}/impact", "assets.read"),
    Route("inventory", "GET", "/eol/risks", "assets.read"),
    Route("inventory", "POST", "/staff", "staff.write"),
    Route("inventory", "GET", "/staff", "staff.read"),
    Route("inventory", "PATCH", "/staff/{code}", "staff.write"),
    Route("inventory", "POST", "/trainings", "staff.write"),
    Route("inventory", "GET", "/trainings", "staff.read"),
    Route("inventory", "GET", "/trainings/this-month", "staff.read"),
    Route("inventory", "POST", "/attendance/check-in", "attendance.record"),
    Route("inventory", "POST", "/attendance/check-out", "attendance.record"),
    Route("inventory", "POST", "/attendance/import", "attendance.import"),
    Route("inventory", "GET", "/attendance", "attendance.read"),
    Route("inventory", "GET", "/attendance/report", "attendance.read"),
    Route("inventory", "POST", "/posts/{post}/replacements", "staff.write"),
    Route("inventory", "POST", "/roster/shifts", "roster.write"),
    Route("inventory", "GET", "/roster/shifts", "roster.read"),
    Route("inventory", "DELETE", "/roster/shifts/{shift_id}", "roster.write"),
    Route("inventory", "GET", "/roster/gaps", "roster.read"),
    Route("inventory", "GET", "/on-duty", "roster.read"),
    Route("inventory", "GET", "/summary/staffing", "roster.read"),
    Route("billing", "GET", "/contract", "billing.read"),
    Route("billing", "GET", "/milestones", "billing.read"),
    Route("billing", "PUT", "/contract-dates/{kind}", "billing.record"),
    Route("billing", "POST", "/violations", "billing.record"),
    Route("billing", "POST", "/assessments", "billing.record"),
    Route("billing", "GET", "/ledger", "billing.read"),
    Route("billing", "POST", "/ledger/{key}/confirm", "billing.decide"),
    Route("billing", "POST", "/ledger/{key}/waive", "billing.decide"),
    Route("billing", "POST", "/ledger/{key}/deduct", "billing.settle"),
    Route("billing", "POST", "/simulate", "billing.read"),
    Route("billing", "POST", "/invoices", "billing.settle"),
    Route("billing", "GET", "/invoices", "billing.read"),
    Route("billing", "POST", "/invoices/{invoice_id}/void", "billing.settle"),
    Route("billing", "POST", "/payments", "billing.settle"),
    Route("billing", "GET", "/payments", "billing.read"),
    Route("billing", "GET", "/receivables", "billing.read"),
    Route("billing", "GET", "/late-interest", "billing.read"),
    Route("billing", "GET", "/statement", "billing.read"),
    Route("billing", "GET", "/statement/export", "billing.read"),
    Route("billing", "POST", "/repairs", "billing.record"),
    Route("billing", "GET", "/repairs", "billing.read"),
    Route("billing", "GET", "/repairs/split", "billing.read"),
    Route("inventory", "POST", "/credentials", "credentials.write"),
    Route("inventory", "GET", "/credentials", "credentials.read"),
    Route("inventory", "GET", "/credentials/{code}", "credentials.read"),
    Route("inventory", "PATCH", "/credentials/{code}", "credentials.write"),
    Route("inventory", "POST", "/credentials/{code}/rotations", "credentials.write"),
    Route("inventory", "GET", "/credentials/{code}/rotations", "credentials.read"),
    Route("inventory", "POST", "/credentials/{code}/retire", "credentials.write"),
    Route("notify", "GET", "/notifications", "notifications.read"),
    Route("notify", "GET", "/notifications/{notification_id}", "notifications.read"),
    Route("notify", "POST", "/notifications/{notification_id}/acknowledge", "notifications.acknowledge"),
    Route("notify", "POST", "/notifications/replay", "notifications.replay"),
    Route("notify", "GET", "/templates", "notifications.read"),
    Route("notify", "GET", "/templates/{name}", "notifications.read"),
    Route("notify", "PUT", "/templates/{name}", "templates.write"),
    Route("notify", "POST", "/templates/{name}/preview", "notifications.read"),
    Route("notify", "GET", "/duty", "notifications.read"),
    Route("notify", "GET", "/quota", "notifications.read"),
    Route("notify", "POST", "/receipts/alibaba", "receipts.post"),
    Route("notify", "POST", "/receipts/tencent", "receipts.post"),
    *(Route(s, "GET", "/tenants/{slug}", "tenants.read") for s in ALL_SERVICES),
    *(Route(s, "PUT", "/tenants/{slug}", "tenants.configure") for s in ALL_SERVICES),
    *(Route(s, "GET", "/dead-letters", "events.read") for s in CONSUMING_SERVICES),
    *(Route(s, "POST", "/dead-letters/{letter_id}/replay", "events.replay")
      for s in CONSUMING_SERVICES),
)


@cache
def _pattern(template: str) -> re.Pattern:
    return re.compile(re.sub(r"\\\{[a-z_]+\\\}", "[^/]+", re.escape(template)))


def _by_service_and_method() -> dict[tuple[str, str], tuple[Route, ...]]:
    """Routes per (service, method), literal ones first: the gateway asks on every request."""
    grouped: dict[tuple[str, str], list[Route]] = {}
    for route in sorted(ROUTES, key=lambda r: r.template.count("{")):
        grouped.setdefault((route.service, route.method), []).append(route)
    return {key: tuple(routes) for key, routes in grouped.items()}


_INDEX = _by_service_and_method()


def route_for(service: str, method: str, path: str) -> Route | None:
    """The listed route a request hits; literal segments win over parameters
    (`/tickets/import` is not `/tickets/{ticket_id}`)."""
    return next((r for r in _INDEX.get((service, method), ()) if _pattern(r.template).fullmatch(path)),
                None)


def may(principal: Principal, permission: str) -> bool:
    return bool(PERMISSIONS[permission] & set(principal.roles))


def require(principal: Principal, permission: str) -> None:
    allowed = PERMISSIONS[permission]
    if not may(principal, permission):
        raise Forbidden(f"{permission} needs one of the roles {', '.join(sorted(allowed))}; "
                        f"the caller has {', '.join(principal.roles) or '(none)'}")
