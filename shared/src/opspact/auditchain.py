"""The audit log's hash chain: how an entry is hashed, and how a chain is checked.

Each entry's hash covers the previous hash and the entry's canonical JSON, so an
edited, removed or reordered entry breaks the chain at that point. Cutting off the
newest entries leaves a valid shorter chain: compare the head (position, hash) with
one recorded elsewhere — `opspact audit verify` prints it for that purpose."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass

GENESIS = "0" * 64


def canonical(entry: dict) -> str:
    return json.dumps(entry, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def chain_hash(prev_hash: str, entry_text: str) -> str:
    return hashlib.sha256(f"{prev_hash}\n{entry_text}".encode()).hexdigest()


@dataclass
class Break:
    position: int
    reason: str


class ChainWalk:
    """Checks entries one at a time (a year of audit does not fit in memory twice)."""

    def __init__(self) -> None:
        self.count = 0
        self.head: tuple[int, str] | None = None  # (position, hash) of the last good entry
        self._prev, self._position = GENESIS, 1

    def feed(self, position: int, entry: str, prev_hash: str, hash_: str) -> Break | None:
        if position != self._position:
            return Break(position, f"entries {self._position}–{position - 1} are missing")
        if prev_hash != self._prev:
            return Break(position, "does not follow the entry before it (removed or reordered)")
        if chain_hash(prev_hash, entry) != hash_:
            return Break(position, "its content was changed after it was written")
        self._prev, self._position, self.count = hash_, position + 1, self.count + 1
        self.head = (position, hash_)
        return None


def verify(rows: Iterable[tuple[int, str, str, str]]) -> tuple[int, Break | None]:
    """Walk (position, entry, prev_hash, hash) in position order; returns how many
    entries checked out and the first break, if any."""
    walk = ChainWalk()
    for row in rows:
        broken = walk.feed(*row)
        if broken is not None:
            return walk.count, broken
    return walk.count, None
