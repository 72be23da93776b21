"""The gateway's OpenAPI document: its own routes (sign-in, hooks, callbacks, health)
and the services' operations as reached through it, from the document assembled at
build time (`opspact openapi write`, see opspact.productapi) and shipped in this package."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from opspact.productapi import problem_content

SERVICES_DOCUMENT = Path(__file__).with_name("services-openapi.json")


def install(app: FastAPI) -> None:
    """Serve the product document at the app's openapi_url (built once, on first ask)."""
    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = product_document(app)
        return app.openapi_schema

    app.openapi = openapi  # FastAPI's documented way to replace the generated document


def product_document(app: FastAPI) -> dict[str, Any]:
    own = get_openapi(title=app.title, version=app.version, description=app.description,
                      routes=app.routes)
    services = json.loads(SERVICES_DOCUMENT.read_text(encoding="utf-8"))
    tags = {tag["name"] for tag in services.get("tags", [])}
    for operations in own["paths"].values():
        for operation in operations.values():
            operation["operationId"] = f"gateway_{operation['operationId']}"
            tags.update(operation.get("tags", ()))
            for status, response in operation.get("responses", {}).items():
                if status[0] in "45" and "content" not in response:
                    response["content"] = problem_content()
    clash = own["paths"].keys() & services["paths"].keys()
    if clash:
        raise RuntimeError(f"gateway routes shadow service operations: {sorted(clash)}")
    schemas = dict(services["components"]["schemas"])
    for name, schema in own.get("components", {}).get("schemas", {}).items():
        if schemas.setdefault(name, schema) != schema:
            raise RuntimeError(f"schema {name!r} means one thing in the gateway, another in a service")
    return {
        "openapi": services["openapi"],
        "info": {"title": "OpsPact API", "version": app.version,
                 "description": "The public API of OpsPact, every call through this gateway. "
                                "Sign in with a bearer token (or a police PKI certificate at "
                                "POST /auth/cert); each operation under /api names the "
                                "permission it needs and the roles that hold it."},
        "paths": {**own["paths"], **services["paths"]},
        "components": {"schemas": dict(sorted(schemas.items())),
                       "securitySchemes": services["components"]["securitySchemes"]},
        "tags": [{"name": tag} for tag in sorted(tags)],
    }
