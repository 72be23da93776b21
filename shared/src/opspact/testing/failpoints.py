"""Named failpoints for fault-injection tests (the idea of TiDB's and FreeBSD's fail points).

A test starts a real process with `OPSPACT_FAILPOINTS=relay.after_publish=exit`; when
that process reaches the named point it dies at once, without cleanup, exactly as a
`kill -9` at that instant would leave it. Unset, a failpoint is one dict lookup.
"""

from __future__ import annotations

import os

ENV = "OPSPACT_FAILPOINTS"


def _parse(raw: str) -> dict[str, str]:
    points = {}
    for item in filter(None, (p.strip() for p in raw.split(","))):
        name, _, action = item.partition("=")
        points[name] = action or "exit"
    return points


_ACTIVE = _parse(os.environ.get(ENV, ""))


def failpoint(name: str) -> None:
    action = _ACTIVE.get(name)
    if action == "exit":
        os._exit(86)  # the process vanishes mid-step, like SIGKILL
    if action == "raise":
        raise RuntimeError(f"failpoint {name}")
