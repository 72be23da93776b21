"""A plain TCP forwarder the tests put between the services and the broker.

Killing it is a broker outage as the clients see one: connections drop, new ones
are refused. The broker behind it keeps its log, as a real Kafka does on disk
(the Tansu build we ship stores in memory only, so stopping Tansu itself would
also wipe topics and offsets — a different fault from the one we test).

    python -m opspact.testing.tcplink LISTEN_PORT TARGET_PORT
"""

from __future__ import annotations

import asyncio
import sys

CHUNK = 64 * 1024


async def _pump(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(CHUNK):
            writer.write(data)
            await writer.drain()
    except (ConnectionError, asyncio.IncompleteReadError):
        pass
    finally:
        writer.close()


async def _link(target_port: int, client_reader, client_writer) -> None:
    try:
        upstream_reader, upstream_writer = await asyncio.open_connection("127.0.0.1", target_port)
    except OSError:
        client_writer.close()
        return
    await asyncio.gather(_pump(client_reader, upstream_writer),
                         _pump(upstream_reader, client_writer))


async def serve(listen_port: int, target_port: int) -> None:
    server = await asyncio.start_server(lambda r, w: _link(target_port, r, w),
                                        "127.0.0.1", listen_port, reuse_address=True)
    async with server:
        await server.serve_forever()


def main(argv: list[str]) -> None:
    listen_port, target_port = (int(a) for a in argv)
    try:
        asyncio.run(serve(listen_port, target_port))
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main(sys.argv[1:])
