"""`python -m ticketing.mail [--host H] [--port P]`: the SMTP listener, its own process
(compose service `mail-intake`, k8s Deployment `ticketing-mail`) behind the same image."""

import argparse
import asyncio
import contextlib
import signal

from opspact import logs

from ticketing.config import get_settings
from ticketing.mail.server import serve


def main() -> None:
    settings = get_settings()
    parser = argparse.ArgumentParser(prog="python -m ticketing.mail")
    parser.add_argument("--host", default=settings.mail_host)
    parser.add_argument("--port", type=int, default=settings.mail_port)
    args = parser.parse_args()
    logs.configure("ticketing-mail", settings.log_format, settings.log_level)

    async def run() -> None:
        task = asyncio.create_task(serve(settings, args.host, args.port))
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, task.cancel)
        with contextlib.suppress(asyncio.CancelledError):
            await task

    asyncio.run(run())


if __name__ == "__main__":
    main()
