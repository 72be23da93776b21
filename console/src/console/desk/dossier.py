"""验收材料: the acceptance dossier built for the project manager in the background — the
same builder as `opspact report dossier`, through the gateway with the person's own token, so
it holds what they may read — its progress shown while it runs, then downloaded as one ZIP.

A job belongs to the session that started it and lives an hour (or until the session starts
another: one file per person); a person runs one at a time and the console at most
MAX_RUNNING, since each holds a gateway connection and a file."""

from __future__ import annotations

import asyncio
import logging
import secrets
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import httpx
from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import FileResponse
from opspact.calendar import SHANGHAI
from opspact.cli import dossier as builder
from opspact.cli.common import ApiError as BuildRefused
from opspact.cli.common import CliError
from starlette.responses import Response

from console.api import TENANT_HEADER
from console.sessions import Session
from console.web import Refused, changing, current, messages, redirect, render

router = APIRouter(prefix="/console/reports/dossier")
log = logging.getLogger("console.dossier")
MAX_RUNNING = 2
KEEP_SECONDS = 3600
CALL_TIMEOUT = 120.0  # a year's report as PDF takes a while to render


@dataclass
class Job:
    id: str
    session_id: str
    tenant: str
    first: date | None
    last: date | None
    pdf: bool
    started: float = field(default_factory=time.monotonic)
    done: int = 0
    total: int = 0
    now: str = ""
    state: str = "running"  # running | done | failed
    error: str = ""
    failures: list[str] = field(default_factory=list)
    folder: Path | None = None
    task: asyncio.Task | None = None

    @property
    def file(self) -> Path | None:
        return self.folder / "dossier.zip" if self.folder else None

    @property
    def name(self) -> str:
        return f"验收材料-{self.tenant}-{datetime.now(SHANGHAI):%Y%m%d}.zip"


def jobs_of(app) -> dict[str, Job]:
    if not hasattr(app.state, "dossier_jobs"):
        app.state.dossier_jobs = {}
    return app.state.dossier_jobs


def forget_old(jobs: dict[str, Job], session_id: str) -> None:
    """Finished jobs past the hour, and the session's own earlier ones (one file each)."""
    old = [j for j in jobs.values() if j.state != "running" and (
        time.monotonic() - j.started > KEEP_SECONDS or j.session_id == session_id)]
    for job in old:
        if job.folder:
            shutil.rmtree(job.folder, ignore_errors=True)
        jobs.pop(job.id, None)


def gateway_get(base_url: str, token: str, tenant: str, client: httpx.Client) -> builder.Get:
    """The builder's way in with the person's token (called from the worker thread)."""
    headers = {"authorization": f"Bearer {token}", TENANT_HEADER: tenant, "accept-language": "zh-CN"}

    def get(path: str, params: dict):
        try:
            answer = client.get(f"{base_url.rstrip('/')}{path}", params=params, headers=headers)
        except httpx.HTTPError as exc:
            raise CliError(f"网关无应答：{exc}") from exc
        if answer.status_code >= 400:
            try:
                detail = answer.json().get("detail", "")
            except ValueError:
                detail = answer.text[:200]
            raise BuildRefused(answer.status_code, str(detail))
        return answer
    return get


def run(job: Job, base_url: str, token: str) -> None:
    """Plan and build the dossier into the job's folder (a worker thread)."""
    def moved(done: int, total: int, now: str) -> None:
        job.done, job.total, job.now = done, total, now

    with httpx.Client(timeout=CALL_TIMEOUT) as client:
        try:
            plan = builder.plan(job.tenant, job.first, job.last, job.pdf,
                                get=gateway_get(base_url, token, job.tenant, client))
            job.total = len(plan.parts) + 1
            job.folder = Path(tempfile.mkdtemp(prefix="opspact-dossier-"))
            builder.build(plan, job.file, on_progress=moved)
        except CliError as exc:  # the catalogue itself refused: nothing to build
            job.state, job.error = "failed", str(exc)
            return
        except Exception as exc:  # a disk full, a bug: the page says so instead of spinning
            log.exception("dossier %s for %s failed", job.id, job.tenant)
            job.state, job.error = "failed", f"{type(exc).__name__}: {exc}"
            return
        job.failures = [f"{p.name}：{p.error}" for p in plan.failed]
        job.state = "done"


@router.post("")
async def start(request: Request, start: str = Form("", max_length=10), end: str = Form("", max_length=10),
                pdf: bool = Form(False), session: Session = Depends(changing)) -> Response:
    jobs = jobs_of(request.app)
    forget_old(jobs, session.id)
    try:
        first = date.fromisoformat(start) if start else None
        last = date.fromisoformat(end) if end else None
    except ValueError:
        raise Refused(422, messages("dossier.bad_period")) from None
    mine = [j for j in jobs.values() if j.session_id == session.id and j.state == "running"]
    if mine:
        return redirect(request, f"/console/reports/dossier/{mine[0].id}")
    if sum(j.state == "running" for j in jobs.values()) >= MAX_RUNNING:
        raise Refused(429, messages("dossier.busy"))
    job = Job(secrets.token_urlsafe(12), session.id, session.tenant, first, last, pdf)
    jobs[job.id] = job
    job.task = asyncio.create_task(asyncio.to_thread(
        run, job, request.app.state.settings.console_gateway_url, session.token))
    return redirect(request, f"/console/reports/dossier/{job.id}")


def job_of(request: Request, job_id: str, session: Session) -> Job:
    job = jobs_of(request.app).get(job_id)
    if job is None or job.session_id != session.id:
        raise Refused(404, messages("dossier.gone"))
    return job


@router.get("/{job_id}")
async def status(request: Request, job_id: str, session: Session = Depends(current)) -> Response:
    """The job's page; htmx asks for the progress part every second while it runs."""
    job = job_of(request, job_id, session)
    template = "desk/_dossier_progress.html" if request.headers.get("hx-request") else "desk/dossier.html"
    return render(request, template, session=session, nav="reports", job=job)


@router.get("/{job_id}/file")
async def download(request: Request, job_id: str, session: Session = Depends(current)) -> Response:
    job = job_of(request, job_id, session)
    if job.state != "done" or not job.file or not job.file.exists():
        raise Refused(409, messages("dossier.not_ready"))
    return FileResponse(job.file, media_type="application/zip", filename=job.name,
                        headers={"X-Content-Type-Options": "nosniff"})
