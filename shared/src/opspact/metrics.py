"""Prometheus metrics of every process, served on a port of their own
(`OPSPACT_METRICS_PORT`) that the gateway never forwards: in Kubernetes only Prometheus
reaches it (deploy/monitoring).

Labels are bounded by construction — route templates, status classes, service, topic,
event type, tenant slug, channel, provider — never an id, so a busy day adds samples,
not series. Counters count what committed: events when the relay has published them,
messages when the sender has recorded their outcome."""

from __future__ import annotations

import asyncio
import logging
import threading
import time

from prometheus_client import Counter, Gauge, Histogram, start_http_server

log = logging.getLogger(__name__)

HTTP_REQUESTS = Counter("opspact_http_requests", "HTTP requests answered, by route template and status class",
                        ["service", "method", "route", "status"])
HTTP_SECONDS = Histogram("opspact_http_request_duration_seconds", "HTTP request duration",
                         ["service", "method", "route"],
                         buckets=(0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))
OUTBOX_BACKLOG = Gauge("opspact_outbox_backlog", "outbox rows not yet published (the leading relay's view)",
                       ["service"])
OUTBOX_OLDEST = Gauge("opspact_outbox_oldest_unpublished_seconds",
                      "age of the oldest unpublished outbox row (0 when none)", ["service"])
EVENTS_PUBLISHED = Counter("opspact_events_published", "integration events published to Kafka",
                           ["service", "type", "tenant"])
EVENTS_CONSUMED = Counter("opspact_events_consumed",
                          "events taken from Kafka by outcome: handled, duplicate, failed (retried), parked",
                          ["service", "topic", "outcome"])
CONSUMER_LAG = Gauge("opspact_consumer_lag", "messages behind the end of the topic", ["service", "topic"])
SLA_CLOCKS = Gauge("opspact_sla_clocks", "running SLA clocks per tenant: running (in time) and overdue",
                   ["tenant", "state"])
SMS_QUOTA_USED = Gauge("opspact_sms_quota_used", "SMS segments counted against the service year's quota",
                       ["tenant"])
LEADER = Gauge("opspact_leader", "1 while this process leads the loop", ["loop"])
LEADER_HEARTBEAT = Gauge("opspact_leader_heartbeat_timestamp_seconds",
                         "when the leading process last finished a pass of the loop", ["loop"])
MESSAGES = Counter("opspact_messages", "notifications: queued, sent, failed, delivered, suppressed",
                   ["tenant", "channel", "provider", "status"])
KEY_REFRESH_FAILURES = Counter("opspact_key_refresh_failures",
                               "failed refreshes of the identity provider's JWKS (keys verifying people)",
                               ["source"])
KEY_REFRESHED = Gauge("opspact_key_refreshed_timestamp_seconds", "when the keys were last refreshed",
                      ["source"])
REPORT_SECONDS = Histogram("opspact_report_render_seconds", "report documents rendered", ["kind", "format"],
                           buckets=(0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120))

ROUTE_KEY = "opspact.route"  # a scope key naming the route template where the router did not

_served: set[int] = set()
_lock = threading.Lock()


def serve(port: int | None, host: str = "127.0.0.1") -> None:
    """Serve /metrics on `port` in a daemon thread, once per process (no port: nothing)."""
    if not port:
        return
    with _lock:
        if port in _served:
            return
        start_http_server(port, addr=host)
        _served.add(port)
    log.info("metrics on http://%s:%d/metrics", host, port)


def count_message(note, status: str) -> None:
    """A notification reached `status` (sent, failed, delivered)."""
    MESSAGES.labels(note.tenant_id, note.channel, note.provider or "none", status).inc()


async def rendered(render, document, kind: str, fmt: str, run=None) -> bytes:
    """A document rendered off the event loop — by `run(render, document)` (a worker
    process's runner) or in a thread — its time recorded (report renders)."""
    started = time.perf_counter()
    content = await (run(render, document) if run else asyncio.to_thread(render, document))
    REPORT_SECONDS.labels(kind, fmt).observe(time.perf_counter() - started)
    return content


def status_class(status: int) -> str:
    return f"{status // 100}xx"


class HttpMetrics:
    """ASGI middleware: each answered request by its route template (`/tickets/{ticket_id}`),
    never its path; a path no route matched counts as `unmatched`."""

    def __init__(self, app, service: str) -> None:
        self.app, self.service = app, service

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started, status = time.perf_counter(), [500]

        async def sending(message) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
            await send(message)
        try:
            await self.app(scope, receive, sending)
        finally:
            # the gateway names the product route it forwarded (its fast path has no router)
            template = scope.get(ROUTE_KEY) or getattr(scope.get("route"), "path", None) or "unmatched"
            method = scope.get("method", "GET")
            HTTP_REQUESTS.labels(self.service, method, template, status_class(status[0])).inc()
            HTTP_SECONDS.labels(self.service, method, template).observe(time.perf_counter() - started)
