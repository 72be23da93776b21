"""How a file leaves the product as a download."""

from __future__ import annotations

import re
from urllib.parse import quote

_UNSAFE_ASCII = re.compile(r'[^A-Za-z0-9._-]+')


def attachment(filename: str) -> str:
    """A `Content-Disposition` that saves as `filename`, Chinese included (RFC 6266 /
    RFC 5987 `filename*`), with an ASCII `filename` for clients that know only that.
    Always `attachment`: nothing we hand out is opened inline by the browser."""
    stem, dot, ext = filename.rpartition(".")
    fallback = _UNSAFE_ASCII.sub("_", stem if dot else filename).strip("_-.") or "download"
    fallback += f".{_UNSAFE_ASCII.sub('', ext)}" if dot else ""
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"
