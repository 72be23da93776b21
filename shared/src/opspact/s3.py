"""An object store over the S3 API: put, get and check one object, signed with AWS
Signature Version 4 — what MinIO, Alibaba Cloud OSS, Tencent Cloud COS, Ceph and AWS all
accept. Only the three calls the product needs; no SDK in the image for them.

Signing (SigV4, service `s3`): the canonical request is the method, the path with each
segment percent-encoded once (S3 does not double-encode), the sorted query, the signed
headers as `name:value` lines, their names, and the payload's SHA-256 in hex — also sent
as `x-amz-content-sha256`, which S3 requires. The key is HMAC-chained from
`AWS4<secret>` over the date, region, service and `aws4_request`."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal
from urllib.parse import quote, urlsplit

import httpx

ALGORITHM = "AWS4-HMAC-SHA256"


class S3Error(RuntimeError):
    """The store answered with an error (its S3 error code and message in the text)."""


@dataclass(frozen=True)
class S3Config:
    endpoint: str  # https://oss-cn-shenzhen.aliyuncs.com, http://minio:9000, …
    bucket: str
    access_key: str
    secret_key: str
    region: str = "us-east-1"  # OSS and COS take their region name; MinIO any
    addressing: Literal["path", "virtual"] = "path"  # virtual: bucket.endpoint (OSS, COS)


def _hmac(key: bytes, text: str) -> bytes:
    return hmac.new(key, text.encode(), hashlib.sha256).digest()


def signing_key(secret: str, day: str, region: str, service: str = "s3") -> bytes:
    return _hmac(_hmac(_hmac(_hmac(f"AWS4{secret}".encode(), day), region), service), "aws4_request")


def sign(config: S3Config, method: str, url: str, headers: dict[str, str], payload_hash: str,
         now: datetime) -> dict[str, str]:
    """`headers` plus x-amz-date, x-amz-content-sha256 and Authorization for the request."""
    parts = urlsplit(url)
    stamp, day = now.strftime("%Y%m%dT%H%M%SZ"), now.strftime("%Y%m%d")
    signed = {**{k.lower(): v.strip() for k, v in headers.items()}, "host": parts.netloc,
              "x-amz-date": stamp, "x-amz-content-sha256": payload_hash}
    names = sorted(signed)
    query = "&".join(sorted(parts.query.split("&"))) if parts.query else ""
    canonical = "\n".join([method, parts.path or "/", query,
                           "".join(f"{n}:{signed[n]}\n" for n in names), ";".join(names), payload_hash])
    scope = f"{day}/{config.region}/s3/aws4_request"
    to_sign = "\n".join([ALGORITHM, stamp, scope, hashlib.sha256(canonical.encode()).hexdigest()])
    signature = hmac.new(signing_key(config.secret_key, day, config.region), to_sign.encode(),
                         hashlib.sha256).hexdigest()
    signed.pop("host")  # httpx sets it from the URL, the same value
    return {**signed, "authorization": f"{ALGORITHM} Credential={config.access_key}/{scope}, "
                                       f"SignedHeaders={';'.join(names)}, Signature={signature}"}


class S3Store:
    def __init__(self, config: S3Config, client: httpx.AsyncClient | None = None) -> None:
        self.config = config
        self.client = client or httpx.AsyncClient(timeout=30)

    def url(self, key: str) -> str:
        base = self.config.endpoint.rstrip("/")
        path = quote(key, safe="/-_.~")
        if self.config.addressing == "virtual":
            scheme, _, host = base.partition("://")
            return f"{scheme}://{self.config.bucket}.{host}/{path}"
        return f"{base}/{quote(self.config.bucket, safe='')}/{path}"

    async def _call(self, method: str, key: str, body: bytes = b"",
                    headers: dict[str, str] | None = None) -> httpx.Response:
        url = self.url(key)
        signed = sign(self.config, method, url, headers or {}, hashlib.sha256(body).hexdigest(),
                      datetime.now(UTC))
        return await self.client.request(method, url, content=body or None, headers=signed)

    async def put(self, key: str, data: bytes, content_type: str) -> None:
        r = await self._call("PUT", key, data, {"content-type": content_type})
        if r.status_code != 200:
            raise S3Error(f"PUT {key}: {r.status_code} {r.text[:300]}")

    async def get(self, key: str) -> bytes:
        r = await self._call("GET", key)
        if r.status_code != 200:
            raise S3Error(f"GET {key}: {r.status_code} {r.text[:300]}")
        return r.content

    async def exists(self, key: str) -> bool:
        r = await self._call("HEAD", key)
        if r.status_code in (200, 404):
            return r.status_code == 200
        raise S3Error(f"HEAD {key}: {r.status_code}")

    async def close(self) -> None:
        await self.client.aclose()
