"""`python -m gateway.serve`: the gateway under uvicorn, plain HTTP behind a front proxy
or, with OPSPACT_GATEWAY_TLS_CERTFILE set, terminating TLS itself (gateway.tls)."""

from __future__ import annotations

import argparse

import uvicorn

from gateway.config import get_settings
from gateway.pki import load_trust
from gateway.protocol import ProblemHttpProtocol
from gateway.tls import TlsHttpProtocol, context_factory


def config(host: str, port: int) -> uvicorn.Config:
    settings = get_settings()
    # proxy_headers off: uvicorn would take the client's address from X-Forwarded-For when
    # the peer is local, so a local process could claim to be a trusted front proxy; the
    # gateway judges forwarded headers itself (OPSPACT_GATEWAY_TRUSTED_PROXIES, gateway.pki).
    common = {"factory": True, "host": host, "port": port, "access_log": False,
              "timeout_graceful_shutdown": 25, "proxy_headers": False}
    if not settings.gateway_tls_certfile:
        return uvicorn.Config("gateway.main:create_app", **common, http=ProblemHttpProtocol)
    trust = load_trust(settings.gateway_pki_dir) if settings.gateway_pki_dir else {}
    factory = context_factory(settings.gateway_tls_certfile, settings.gateway_tls_keyfile, trust,
                              settings.gateway_tls_client_certs)
    return uvicorn.Config("gateway.main:create_app", **common, http=TlsHttpProtocol,
                          ssl_certfile=settings.gateway_tls_certfile, ssl_context_factory=factory)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args()
    uvicorn.Server(config(args.host, args.port)).run()


if __name__ == "__main__":
    main()
