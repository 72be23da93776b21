"""`opspact audit verify`: walk the gateway's audit chain and name the first entry
that was edited, removed or moved; print the head to compare with a recorded one."""

from __future__ import annotations

import asyncio
import os
from contextlib import aclosing

import asyncpg

from opspact.auditchain import ChainWalk
from opspact.cli.common import CliError
from opspact.db import asyncpg_connect_args

BATCH = 10_000


def register(nouns) -> None:
    parser = nouns.add_parser("audit", help="the gateway's audit log")
    verbs = parser.add_subparsers(dest="verb", required=True)
    check = verbs.add_parser("verify", help="check the hash chain end to end")
    check.add_argument("--database-url", default=os.environ.get("OPSPACT_DATABASE_URL"),
                       help="default: OPSPACT_DATABASE_URL")
    check.set_defaults(func=_verify)


async def _rows(url: str):
    conn = await asyncpg.connect(**asyncpg_connect_args(url))
    try:
        async with conn.transaction(isolation="repeatable_read", readonly=True):
            async for r in conn.cursor("SELECT position, entry, prev_hash, hash "
                                       "FROM gateway.audit_log ORDER BY position", prefetch=BATCH):
                yield (r["position"], r["entry"], r["prev_hash"], r["hash"])
    finally:
        await conn.close()


async def check_chain(url: str):
    walk = ChainWalk()
    async with aclosing(_rows(url)) as rows:  # closes the connection on an early return
        async for row in rows:
            broken = walk.feed(*row)
            if broken is not None:
                return walk.count, broken, walk.head
    return walk.count, None, walk.head


def _verify(args) -> int:
    if not args.database_url:
        raise CliError("OPSPACT_DATABASE_URL is not set (or pass --database-url)")
    try:
        count, broken, head = asyncio.run(check_chain(args.database_url))
    except (OSError, asyncpg.PostgresError) as exc:
        raise CliError(f"cannot read the audit log: {exc}") from exc
    if broken is not None:
        raise CliError(f"audit chain broken at position {broken.position}: {broken.reason} "
                       f"({count} entries before it verified)")
    if head is None:
        print("audit log is empty")
    else:
        print(f"{count} entries verified; head position {head[0]} hash {head[1]}")
    return 0
