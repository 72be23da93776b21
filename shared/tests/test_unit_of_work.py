"""Endpoints commit before they answer: the session is taken as opspact.app.SESSION, a
function-scoped dependency. FastAPI runs a request-scoped yield dependency's exit after
the response is sent, so `Depends(current_session)` would answer 2xx before the commit
(a client could read its write back unchanged; a failing commit would follow a success)."""

from pathlib import Path

from opspact.app import SESSION, current_session

ROOT = Path(__file__).resolve().parents[2]


def test_the_session_dependency_is_function_scoped():
    assert SESSION.dependency is current_session and SESSION.scope == "function"


def test_no_endpoint_takes_the_request_scoped_session():
    sources = [*ROOT.glob("services/*/src/**/*.py"), *ROOT.glob("gateway/src/**/*.py")]
    assert sources
    offenders = [str(p.relative_to(ROOT)) for p in sources if "Depends(current_session" in p.read_text()]
    assert offenders == []
