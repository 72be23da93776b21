"""Logs: one line per event on stdout — JSON for the machines that collect them (time,
level, service, logger, tenant, trace_id, span_id, message, and the record's own fields),
or a readable line under `opspact up` (`OPSPACT_LOG_FORMAT=text`).

Whatever a message carries, no token, key or secret leaves the process and mobile
numbers are masked: every record passes `redact` before it is formatted, so a careless
`log.warning("%s", request.headers)` cannot leak a bearer token."""

from __future__ import annotations

import json
import logging
import re
import sys
from contextvars import ContextVar
from datetime import UTC, datetime

from opentelemetry import trace

# the tenant the current request or event works for (set where the unit of work is bound)
TENANT: ContextVar[str | None] = ContextVar("opspact_log_tenant", default=None)

REDACTIONS = (
    (re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----.*?-----END [A-Z ]*PRIVATE KEY-----", re.S),
     "[private key redacted]"),
    (re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]+"), r"\1 [redacted]"),
    (re.compile(r"\beyJ[A-Za-z0-9_-]{6,}\.[A-Za-z0-9_-]{6,}\.[A-Za-z0-9_-]*"), "[token redacted]"),
    (re.compile(r"opspact-dev-only-[A-Za-z0-9-]+|dev-hook-secret:[A-Za-z0-9/_-]+"), "[dev secret redacted]"),
    (re.compile(r"(?i)\b((?:[a-z_]*_)?(?:secret|password|passwd|token|signature|access_key_secret))"
                r"(\s*[=:]\s*|\"\s*:\s*\")([^\s&,\"']+)"), r"\1\2[redacted]"),
    (re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)"), r"\1****\2"),  # a mobile: 138****0001
)
# LogRecord's own attributes: anything else on a record is a field the caller added (extra=)
STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message", "asctime", "color_message", "where"}  # uvicorn's coloured copy; Readable's tenant


def redact(text: str) -> str:
    for pattern, replacement in REDACTIONS:
        text = pattern.sub(replacement, text)
    return text


class Redacting(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = redact(record.getMessage()), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


def _trace_ids() -> tuple[str | None, str | None]:
    context = trace.get_current_span().get_span_context()
    if not context.is_valid:
        return None, None
    return f"{context.trace_id:032x}", f"{context.span_id:016x}"


class JsonLines(logging.Formatter):
    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service

    def format(self, record: logging.LogRecord) -> str:
        trace_id, span_id = _trace_ids()
        line = {"time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
                "level": record.levelname.lower(), "service": self.service, "logger": record.name,
                "tenant": TENANT.get(), "trace_id": trace_id, "span_id": span_id,
                "message": record.getMessage()}
        fields = {k: v for k, v in vars(record).items() if k not in STANDARD and not k.startswith("_")}
        if fields:
            line["fields"] = json.loads(redact(json.dumps(fields, ensure_ascii=False, default=str)))
        if record.exc_text:
            line["exception"] = record.exc_text
        return json.dumps(line, ensure_ascii=False)


class Readable(logging.Formatter):
    def __init__(self, service: str) -> None:
        super().__init__("%(asctime)s %(levelname)-7s " + service + " %(name)s%(where)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        tenant = TENANT.get()
        record.where = f" [{tenant}]" if tenant else ""
        return super().format(record)


def configure(service: str, fmt: str = "json", level: str = "INFO") -> None:
    """Every logger of the process (uvicorn's too) through one redacting handler on stdout."""
    handler = logging.StreamHandler(sys.stdout)
    handler.addFilter(Redacting())
    handler.setFormatter(JsonLines(service) if fmt == "json" else Readable(service))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(name)
        logger.handlers[:] = []
        logger.propagate = True
