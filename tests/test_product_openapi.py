"""The gateway publishes one OpenAPI document for the product (issue 30, part 3): every
service operation under its /api/<service> path with its permission, unique stable
operationIds, problem responses — and a client generated from it by
openapi-python-client creates and lists tickets through the gateway."""

from __future__ import annotations

import importlib
import json
import os
import re
import subprocess
import sys
import uuid
from pathlib import Path

import httpx
import pytest
from gateway.openapi import SERVICES_DOCUMENT
from opspact import SERVICES
from opspact.cli.openapi import assembled_text
from opspact.permissions import ROUTES
from opspact.productapi import services_document
from opspact.testing.plugin import token

VENV_BIN = Path(sys.executable).parent
OPERATION_ID = re.compile(r"^(gateway|ticketing|inventory|billing|notify)_[a-z][a-z0-9_]*$")


@pytest.fixture(scope="module")
def document(stack) -> dict:
    return httpx.get(f"{stack.url('gateway')}/openapi.json", timeout=30).json()


def test_the_committed_document_is_what_the_code_describes():
    assert SERVICES_DOCUMENT.read_text(encoding="utf-8") == assembled_text(), \
        "run `opspact openapi write` and commit gateway/src/gateway/services-openapi.json"


def test_the_check_command_passes_under_another_hash_seed():
    # operationIds and schema names must not depend on the interpreter's hash seed
    env = {**os.environ, "PYTHONHASHSEED": "4242"}
    done = subprocess.run([str(VENV_BIN / "opspact"), "openapi", "check"], env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def test_the_check_command_notices_a_stale_file(tmp_path):
    stale = tmp_path / "stale.json"
    stale.write_text("{}\n")
    done = subprocess.run([str(VENV_BIN / "opspact"), "openapi", "check", "--path", str(stale)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1 and "out of date" in done.stderr


def test_every_forwarded_route_is_documented_with_its_permission(document):
    paths = document["paths"]
    assert not any("{service}" in path for path in paths), "the untyped proxy route is gone"
    for route in ROUTES:
        operation = paths.get(f"/api/{route.service}{route.template}", {}).get(route.method.lower())
        assert operation is not None, route
        assert operation["x-opspact-permission"] == route.permission, route
        assert f"`{route.permission}`" in operation["description"]
        assert operation["security"] == [{"bearer": []}]
        assert any(p["name"] == "X-OpsPact-Tenant" for p in operation["parameters"])
    documented = sum(len(ops) for path, ops in paths.items() if path.startswith("/api/"))
    assert documented == len(ROUTES), "nothing the gateway does not forward"
    assert document["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"


def test_operation_ids_are_unique_and_named_after_service_and_handler(document):
    ids = [op["operationId"] for ops in document["paths"].values() for op in ops.values()]
    assert len(ids) == len(set(ids))
    assert [i for i in ids if not OPERATION_ID.fullmatch(i)] == []
    tickets = document["paths"]["/api/ticketing/tickets"]
    assert (tickets["get"]["operationId"], tickets["post"]["operationId"]) == \
        ("ticketing_list_tickets", "ticketing_create_ticket")
    assert document["paths"]["/auth/cert"]["post"]["operationId"] == "gateway_exchange_certificate"


def test_every_refusal_is_documented_as_problem_json(document):
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            for status, response in operation["responses"].items():
                if status[0] in "45":
                    assert list(response.get("content", {})) == ["application/problem+json"], \
                        (method, path, status)
            if path.startswith("/api/"):
                assert {"401", "403", "429", "503", "504"} <= operation["responses"].keys()


def test_schemas_two_services_name_alike_are_kept_apart():
    docs = {
        "ticketing": {"paths": {}, "components": {"schemas": {
            "Status": {"title": "Status", "enum": ["new"]},
            "Same": {"title": "Same", "type": "string"},
            "TicketOut": {"properties": {"status": {"$ref": "#/components/schemas/Status"}}}}}},
        "notify": {"paths": {}, "components": {"schemas": {
            "Status": {"title": "Status", "enum": ["sent"]},
            "Same": {"title": "Same", "type": "string"},
            "Problem": {"title": "Problem", "type": "string"}}}},
        "inventory": {"paths": {}}, "billing": {"paths": {}},
    }
    schemas = services_document(docs)["components"]["schemas"]
    assert schemas["TicketingStatus"] == {"title": "TicketingStatus", "enum": ["new"]}
    assert schemas["NotifyStatus"] == {"title": "NotifyStatus", "enum": ["sent"]}
    assert schemas["TicketOut"]["properties"]["status"]["$ref"] == "#/components/schemas/TicketingStatus"
    assert "Same" in schemas and "Status" not in schemas
    assert schemas["NotifyProblem"]["type"] == "string" and schemas["Problem"]["type"] == "object"


def test_an_unlisted_service_route_cannot_be_published():
    docs = {service: {"paths": {}} for service in SERVICES}
    docs["billing"] = {"paths": {"/secret": {"get": {"operationId": "secret", "responses": {}}}}}
    with pytest.raises(ValueError, match="not in opspact.permissions.ROUTES"):
        services_document(docs)


def test_a_generated_client_creates_and_lists_tickets(stack, document, tmp_path):
    spec = tmp_path / "openapi.json"
    spec.write_text(json.dumps(document), encoding="utf-8")
    package = tmp_path / "opspact_client"
    env = {**os.environ, "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    done = subprocess.run([str(VENV_BIN / "openapi-python-client"), "generate", "--path", str(spec),
                           "--meta", "none", "--output-path", str(package)],
                          env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    # only the raw uploads (CSV, XLSX, images) are beyond the generator: it writes JSON,
    # forms, multipart and octet-stream bodies, not a body of another media type
    said = done.stdout + done.stderr
    skipped = re.findall(r"WARNING parsing (\w+ \S+) within \S+\. Endpoint will not be generated", said)
    assert sorted(skipped) == ["POST /api/inventory/assets/import",
                               "POST /api/inventory/attendance/import",
                               "POST /api/ticketing/inspections/rounds/{round_key}/items/{item}/evidence",
                               "POST /api/ticketing/tickets/import"], said
    assert "Unable to process schema" not in said and "will be omitted" not in said, said

    sys.path.insert(0, str(tmp_path))
    try:
        client_module = importlib.import_module("opspact_client")
        create = importlib.import_module("opspact_client.api.tickets.ticketing_create_ticket")
        listing = importlib.import_module("opspact_client.api.tickets.ticketing_list_tickets")
        models = importlib.import_module("opspact_client.models")
        key = uuid.uuid4().hex
        title = f"生成的客户端报障 {key[:8]}"
        with client_module.AuthenticatedClient(
                base_url=stack.url("gateway"), token=token("xinxiang", "vendor_engineer")) as client:
            body = models.TicketCreate.from_dict({"system": "police-platform", "title": title})
            created = create.sync_detailed(client=client, body=body, idempotency_key=key)
            assert created.status_code == 201, created.content
            ticket = created.parsed
            assert isinstance(ticket, models.TicketOut) and ticket.title == title
            assert re.fullmatch(r"T\d{4}-\d{6}", ticket.number)

            page = listing.sync(client=client, system="police-platform", limit=100)
            assert isinstance(page, models.TicketPage), page
            assert ticket.id in [t.id for t in page.items]

            again = create.sync_detailed(client=client, body=body, idempotency_key=key)
            assert again.status_code == 200 and again.parsed.id == ticket.id  # replayed, documented

            refused = listing.sync(client=client, limit=0)  # below the documented minimum
            assert isinstance(refused, models.Problem) and refused.status == 422
    finally:
        sys.path.remove(str(tmp_path))
        for name in [n for n in sys.modules if n == "opspact_client" or n.startswith("opspact_client.")]:
            del sys.modules[name]
