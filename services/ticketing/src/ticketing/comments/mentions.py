"""`@staff-code` in a comment: the people to tell. A code is what notify's contacts and the
roster use (a-z, 0-9, - and _); an `@` inside a word or an email address is not a mention."""

from __future__ import annotations

import re

_MENTION = re.compile(r"(?<![A-Za-z0-9._%+-])@([a-z0-9][a-z0-9_-]{0,63})(?![A-Za-z0-9_-])")
MAX_MENTIONS = 20


def mentioned(text: str) -> list[str]:
    """The codes mentioned, each once, in order of first mention."""
    return list(dict.fromkeys(_MENTION.findall(text)))[:MAX_MENTIONS]
