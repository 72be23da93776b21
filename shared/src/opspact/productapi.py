"""One OpenAPI document for the product as clients see it through the gateway.

Each service describes its own routes (its FastAPI document); clients never call a
service directly but `/api/<service>/<path>` on the gateway, with a bearer token, and the
gateway adds refusals of its own (401, 403, 404, 429, 503, 504). `services_document`
turns the four service documents into that view:

- only the routes `opspact.permissions.ROUTES` lists (the gateway forwards nothing else),
  under `/api/<service>`, each naming the permission and the roles holding it;
- operationIds `<service>_<handler name>`: unique across the product and stable (they
  change only when a handler is renamed, never with the hash seed or the path);
- component schemas merged: a name two services use for the same schema is one schema; a
  name they use for different ones becomes `<Service><Name>` in each of them;
- every refusal documented as `application/problem+json` (RFC 9457).

The result is written at build time (`opspact openapi write`) into the gateway package,
which serves it merged with its own routes (gateway.openapi): the gateway image carries
no service code, and a change to the public API shows in review as a diff of the file.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Mapping
from typing import Any

from opspact import SERVICES
from opspact.permissions import PERMISSIONS, ROUTES, Route

OPENAPI_VERSION = "3.1.0"
TENANT_HEADER = "X-OpsPact-Tenant"
SECURITY_SCHEME = "bearer"
PROBLEM_SCHEMA = "Problem"
REF_PREFIX = "#/components/schemas/"

# What the gateway itself answers before (or instead of) the service.
GATEWAY_REFUSALS: dict[str, str] = {
    "401": "no bearer token, or an expired, forged or revoked one",
    "403": "the caller's roles lack the route's permission, or the tenant is not granted",
    "404": "unknown tenant, or nothing at this address",
    "429": "the caller's rate limit is reached (see Retry-After)",
    "503": "the service is unavailable (see Retry-After)",
    "504": "the service did not answer in time",
}

PROBLEM: dict[str, Any] = {
    "title": "Problem",
    "description": "RFC 9457 problem details: what was refused and why.",
    "type": "object",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string", "description": "identifies the kind of problem"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string", "description": "what was wrong, in words"},
        "instance": {"type": "string", "description": "the path refused"},
        "errors": {"type": "array", "description": "for invalid input: each field and why",
                   "items": {"type": "object", "properties": {
                       "field": {"type": "string"}, "message": {"type": "string"}}}},
    },
    "additionalProperties": True,
}

HEALTH_PATHS = ("/healthz", "/readyz")


def problem_content() -> dict[str, Any]:
    return {"application/problem+json": {"schema": {"$ref": REF_PREFIX + PROBLEM_SCHEMA}}}


def services_document(docs: Mapping[str, dict[str, Any]], version: str = "0.1.0") -> dict[str, Any]:
    """The product document's services part from each service's own document."""
    unknown = set(docs) - set(SERVICES)
    if unknown:
        raise ValueError(f"not services: {sorted(unknown)}")
    renames = _schema_renames(docs)
    schemas: dict[str, Any] = {PROBLEM_SCHEMA: PROBLEM}
    paths: dict[str, dict[str, Any]] = {}
    tags: set[str] = set()
    for service in SERVICES:
        doc = _renamed(docs[service], renames[service])
        for name, schema in doc.get("components", {}).get("schemas", {}).items():
            schemas.setdefault(name, schema)
        for path, operations in doc["paths"].items():
            if path in HEALTH_PATHS:
                continue
            for method, operation in operations.items():
                route = _listed_route(service, method.upper(), path)
                paths.setdefault(f"/api/{service}{path}", {})[method] = _as_public(
                    service, route, operation)
                tags.update(operation.get("tags", ()))
    return {
        "openapi": OPENAPI_VERSION,
        "info": {"title": "OpsPact API", "version": version,
                 "description": "The services' operations as called through the gateway."},
        "paths": dict(sorted(paths.items())),
        "components": {"schemas": dict(sorted(schemas.items())),
                       "securitySchemes": security_schemes()},
        "tags": [{"name": tag} for tag in sorted(tags)],
    }


def security_schemes() -> dict[str, Any]:
    return {SECURITY_SCHEME: {
        "type": "http", "scheme": "bearer", "bearerFormat": "JWT",
        "description": "A token from the identity provider, or from POST /auth/cert for a "
                       "police PKI certificate. It names the tenants and roles granted."}}


def dumps(document: dict[str, Any]) -> str:
    """The committed file's text: stable key order, readable diffs, non-ASCII kept."""
    return json.dumps(document, indent=1, ensure_ascii=False, sort_keys=False) + "\n"


def _listed_route(service: str, method: str, path: str) -> Route:
    route = next((r for r in ROUTES if r.service == service and r.method == method
                  and r.template == path), None)
    if route is None:
        raise ValueError(f"{method} {path} of {service} is not in opspact.permissions.ROUTES")
    return route


def _as_public(service: str, route: Route, operation: dict[str, Any]) -> dict[str, Any]:
    public = copy.deepcopy(operation)
    handler = public["operationId"]  # the service's own id: its handler's name
    public["operationId"] = f"{service}_{handler}"
    roles = sorted(PERMISSIONS[route.permission])
    rule = f"Permission `{route.permission}` (roles: {', '.join(roles)})."
    public["description"] = f"{public['description']}\n\n{rule}" if public.get("description") else rule
    public["x-opspact-permission"] = route.permission
    public["x-opspact-roles"] = roles
    public["security"] = [{SECURITY_SCHEME: []}]
    public["parameters"] = [*public.get("parameters", []), {
        "name": TENANT_HEADER, "in": "header", "required": False,
        "description": "the tenant to act in; needed when the token grants several",
        "schema": {"type": "string", "pattern": r"^[a-z][a-z0-9-]{1,31}$"}}]
    responses = public.setdefault("responses", {})
    for status, text in GATEWAY_REFUSALS.items():
        responses.setdefault(status, {"description": text})
    if "401" in responses:
        responses["401"]["description"] = GATEWAY_REFUSALS["401"]
    for status, response in responses.items():
        if status[0] in "45" and "content" not in response:
            response["content"] = problem_content()
    return public


def _schema_renames(docs: Mapping[str, dict[str, Any]]) -> dict[str, dict[str, str]]:
    """Per service, the schema names that must be qualified because another service
    means something else by the same name. Repeated until stable: qualifying one schema
    changes the references inside those that point to it."""
    renames: dict[str, dict[str, str]] = {service: {} for service in docs}
    while True:
        seen: dict[str, set[str]] = {}
        for service, doc in docs.items():
            for name, schema in doc.get("components", {}).get("schemas", {}).items():
                final = renames[service].get(name, name)
                text = json.dumps(_rewrite(schema, renames[service]), sort_keys=True)
                seen.setdefault(final, set()).add(text)
        clashing = {name for name, texts in seen.items() if len(texts) > 1 or name == PROBLEM_SCHEMA}
        if not clashing:
            return renames
        for service, doc in docs.items():
            for name in doc.get("components", {}).get("schemas", {}):
                if renames[service].get(name, name) in clashing:
                    renames[service][name] = service.capitalize() + name


def _renamed(doc: dict[str, Any], renames: dict[str, str]) -> dict[str, Any]:
    doc = _rewrite(doc, renames)
    schemas = doc.get("components", {}).get("schemas", {})
    if schemas:
        # the title too: generators name their classes after it
        doc["components"]["schemas"] = {
            renames.get(name, name): ({**schema, "title": renames[name]} if name in renames else schema)
            for name, schema in schemas.items()}
    return doc


def _rewrite(node: Any, renames: dict[str, str]) -> Any:
    """A copy of `node` with its schema references renamed."""
    if isinstance(node, dict):
        return {key: (_ref(value, renames) if key == "$ref" else _rewrite(value, renames))
                for key, value in node.items()}
    if isinstance(node, list):
        return [_rewrite(item, renames) for item in node]
    return node


def _ref(ref: str, renames: dict[str, str]) -> str:
    match = re.fullmatch(re.escape(REF_PREFIX) + r"(.+)", ref)
    if match is None:
        return ref
    return REF_PREFIX + renames.get(match.group(1), match.group(1))
