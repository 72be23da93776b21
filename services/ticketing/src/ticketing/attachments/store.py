"""Where attachment bytes live. PostgreSQL by default — `make run` needs nothing more, and
a file is written in the same transaction as its row. An S3-compatible store (MinIO,
Alibaba OSS, Tencent COS) for production, configured by settings; objects are named
`<tenant>/<sha256>`, so a retried upload writes the same object again, harmlessly, and an
object whose row never committed is an orphan to sweep, never a row without its file."""

from __future__ import annotations

import logging
from typing import Protocol

import httpx
from opspact.errors import ServiceUnavailable
from opspact.s3 import S3Config, S3Error, S3Store
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from ticketing.attachments.models import Blob

log = logging.getLogger(__name__)


class BlobStore(Protocol):
    name: str

    async def put(self, session: AsyncSession, tenant_id: str, sha256: str, data: bytes,
                  content_type: str) -> None: ...

    async def get(self, session: AsyncSession, tenant_id: str, sha256: str) -> bytes | None: ...


class PostgresBlobs:
    name = "postgres"

    async def put(self, session, tenant_id, sha256, data, content_type) -> None:
        await session.execute(insert(Blob).values(tenant_id=tenant_id, sha256=sha256, data=data)
                              .on_conflict_do_nothing())

    async def get(self, session, tenant_id, sha256) -> bytes | None:
        return (await session.execute(select(Blob.data).where(
            Blob.tenant_id == tenant_id, Blob.sha256 == sha256))).scalar_one_or_none()


class S3Blobs:
    name = "s3"

    def __init__(self, config: S3Config) -> None:
        self.objects = S3Store(config)

    async def put(self, session, tenant_id, sha256, data, content_type) -> None:
        try:
            await self.objects.put(f"{tenant_id}/{sha256}", data, content_type)
        except (S3Error, httpx.HTTPError) as exc:
            raise _unavailable(exc) from exc

    async def get(self, session, tenant_id, sha256) -> bytes | None:
        try:
            return await self.objects.get(f"{tenant_id}/{sha256}")
        except (S3Error, httpx.HTTPError) as exc:
            raise _unavailable(exc) from exc


def _unavailable(exc: Exception) -> ServiceUnavailable:
    # The store's own words go to the log, not to the caller (they may name the bucket's keys).
    log.warning("attachment store: %s", exc)
    return ServiceUnavailable("the attachment store did not take the request; try again later",
                              retry_after=30)


def blob_store(settings) -> BlobStore:
    if settings.attachment_store == "s3":
        return S3Blobs(S3Config(endpoint=settings.s3_endpoint, bucket=settings.s3_bucket,
                                access_key=settings.s3_access_key, secret_key=settings.s3_secret_key,
                                region=settings.s3_region, addressing=settings.s3_addressing))
    return PostgresBlobs()


def stores(settings) -> dict[str, BlobStore]:
    """Every store a file may be in, by name: the one new files go to (`settings`), and
    PostgreSQL always (a deployment that moved to S3 still serves the files it holds)."""
    current = blob_store(settings)
    return {"postgres": PostgresBlobs(), current.name: current}


def of_app(app, settings) -> tuple[BlobStore, dict[str, BlobStore]]:
    """The app's stores, made once: (where new files go, every store by name)."""
    found = getattr(app.state, "attachment_stores", None)
    if found is None:
        found = app.state.attachment_stores = stores(settings)
    return found[settings.attachment_store], found
