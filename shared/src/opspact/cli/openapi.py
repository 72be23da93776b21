"""`opspact openapi write|check`: the product's OpenAPI document, assembled from the
services' own documents into the gateway package (opspact.productapi says why at build
time). `check` fails when the committed file is not what the code describes."""

from __future__ import annotations

import importlib
from pathlib import Path

from opspact import SERVICES
from opspact.cli.common import CliError
from opspact.productapi import dumps, services_document


def register(nouns) -> None:
    parser = nouns.add_parser("openapi", help="the product's OpenAPI document")
    verbs = parser.add_subparsers(dest="verb", required=True)
    for verb, text in (("write", "assemble it and write the gateway's copy"),
                       ("check", "fail when the gateway's copy is out of date")):
        command = verbs.add_parser(verb, help=text)
        command.add_argument("--path", type=Path, default=None,
                             help="the file (default: the one the gateway serves)")
        command.set_defaults(func=_write if verb == "write" else _check)


def assembled_text() -> str:
    """The document as the services' code describes it now (each app is built, not run)."""
    docs = {service: importlib.import_module(f"{service}.main").create_app().openapi()
            for service in SERVICES}
    return dumps(services_document(docs))


def _default_path() -> Path:
    from gateway.openapi import SERVICES_DOCUMENT
    return SERVICES_DOCUMENT


def _write(args) -> int:
    path = args.path or _default_path()
    path.write_text(assembled_text(), encoding="utf-8")
    print(f"wrote {path}")
    return 0


def _check(args) -> int:
    path = args.path or _default_path()
    if not path.exists() or path.read_text(encoding="utf-8") != assembled_text():
        raise CliError(f"{path} is out of date: run `opspact openapi write` and commit it")
    print(f"{path} is up to date")
    return 0
