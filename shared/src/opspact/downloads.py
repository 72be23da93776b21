"""How a file's name comes in with an upload, and how a file leaves as a download."""

from __future__ import annotations

import re
from urllib.parse import quote

from opspact.errors import Unprocessable

_UNSAFE_ASCII = re.compile(r'[^A-Za-z0-9._-]+')
_NOT_IN_NAME = re.compile(r"[\x00-\x1f\x7f]")
MAX_NAME = 255


def uploaded_name(filename: str) -> str:
    """The name as the user's system had it, less any folders and control characters."""
    name = _NOT_IN_NAME.sub("", re.split(r"[\\/]", filename)[-1]).strip()[:MAX_NAME]
    if not name or name in (".", ".."):
        raise Unprocessable("filename names no file", errors=[{"field": "query.filename",
                                                               "message": "empty after removing folders"}])
    return name


def attachment(filename: str) -> str:
    """A `Content-Disposition` that saves as `filename`, Chinese included (RFC 6266 /
    RFC 5987 `filename*`), with an ASCII `filename` for clients that know only that.
    Always `attachment`: nothing we hand out is opened inline by the browser."""
    stem, dot, ext = filename.rpartition(".")
    fallback = _UNSAFE_ASCII.sub("_", stem if dot else filename).strip("_-.") or "download"
    fallback += f".{_UNSAFE_ASCII.sub('', ext)}" if dot else ""
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"
