"""uvicorn's HTTP/1.1 protocol (httptools) with the one answer it writes itself — 400 for a
request it cannot parse (a Content-Length that is not a number, a broken header line) — as
`application/problem+json` like every other refusal of the gateway, not uvicorn's text."""

from __future__ import annotations

import json

from opspact.errors import PROBLEM_JSON
from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol


class ProblemHttpProtocol(HttpToolsProtocol):
    def send_400_response(self, msg: str) -> None:
        body = json.dumps({"type": "https://opspact.dev/problems/bad-request", "title": "Bad request",
                           "status": 400, "detail": f"the request is not valid HTTP/1.1: {msg}"}).encode()
        head = [STATUS_LINE[400]]
        for name, value in self.server_state.default_headers:
            head += [name, b": ", value, b"\r\n"]
        head += [b"content-type: ", PROBLEM_JSON.encode(), b"\r\n",
                 b"content-length: ", str(len(body)).encode(), b"\r\n", b"connection: close\r\n\r\n"]
        self.transport.write(b"".join(head) + body)
        self.transport.close()
