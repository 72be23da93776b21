"""What every page shares: the templates, the signed-in session, the guard on state
changes, and how refusals are shown (a page for a navigation, a message for htmx)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from fastapi import Request
from fastapi.templating import Jinja2Templates
from opspact.calendar import SHANGHAI, minute_text
from starlette.responses import RedirectResponse, Response

from console import oidc
from console.api import ApiError, error_of
from console.clocks import clock_chips
from console.messages import Messages
from console.security import CSRF_FIELD, CSRF_HEADER, csrf_matches, same_origin
from console.sessions import Session

HERE = Path(__file__).parent
STATIC_VERSION = "5"  # bump with the static files: browsers cache them for a day
SIGNIN_PATH = "/console/signin"

messages = Messages("zh-CN")
templates = Jinja2Templates(directory=HERE / "templates")
# Templates change with a deploy (a restart), not under a running process: checking every
# included template's mtime was 100 stat calls per queue page.
templates.env.auto_reload = False


def local_time(value, pattern: str | None = None) -> str:
    """An instant as the API gives it (text) as people read it: Asia/Shanghai, no offset
    (`opspact.calendar.minute_text`), or in `pattern`."""
    if not value:
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:  # the product reads a naive instant as Shanghai time
        value = value.replace(tzinfo=SHANGHAI)
    return value.astimezone(SHANGHAI).strftime(pattern) if pattern else minute_text(value)


def duration(seconds: int | None) -> str:
    if seconds is None:
        return ""
    sign, seconds = ("-" if seconds < 0 else ""), abs(int(seconds))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        return f"{sign}{days}天{hours}小时"
    if hours:
        return f"{sign}{hours}小时{minutes:02d}分"
    return f"{sign}{minutes}分{seconds % 60:02d}秒"


templates.env.globals.update(_=messages, label=messages.label, static_version=STATIC_VERSION,
                             clocks=lambda sla: clock_chips(sla, messages, local_time, duration))
templates.env.filters.update(local=local_time, duration=duration)


class SignInRequired(Exception):
    """No (or an expired) session: the person signs in again."""


class Refused(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def cookie_name(request: Request) -> str:
    # `__Host-` binds the cookie to this exact origin, but browsers accept it over https only
    return "__Host-opspact-session" if request.app.state.settings.secure_cookies else "opspact-session"


async def current(request: Request) -> Session:
    """The signed-in person (a FastAPI dependency for every page), their access token
    renewed first when it is about to expire (OIDC sessions with a refresh token)."""
    sessions = request.app.state.sessions
    session = sessions.get(request.cookies.get(cookie_name(request)))
    if session is None:
        raise SignInRequired()
    if session.refresh_token and oidc.needs_refresh(session.token_expires_at):
        try:
            tokens = await request.app.state.oidc.refresh(session.refresh_token)
        except oidc.SignInFailed as exc:  # refused (revoked, expired): sign in again
            sessions.close(session.id)
            raise SignInRequired() from exc
        session.token, session.refresh_token = tokens.access_token, tokens.refresh_token
        session.token_expires_at, session.id_token = tokens.expires_at, tokens.id_token or session.id_token
    return session


async def changing(request: Request) -> Session:
    """The signed-in person, for a request that changes something: from our own origin and
    carrying the session's CSRF token (htmx sends it as a header, plain forms as a field)."""
    session = await current(request)
    await require_same_site(request, session.csrf)
    return session


async def require_same_site(request: Request, expected_token: str | None) -> None:
    if not same_origin(request, request.app.state.settings.public_origin):
        raise Refused(403, messages("error.csrf"))
    presented = request.headers.get(CSRF_HEADER)
    if presented is None and request.headers.get("content-type", "").startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")):
        presented = (await request.form()).get(CSRF_FIELD)
    if expected_token is None or not csrf_matches(expected_token, presented):
        raise Refused(403, messages("error.csrf"))


def is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


def render(request: Request, name: str, status_code: int = 200, **context) -> Response:
    session = context.get("session")
    if session is None:
        session = request.app.state.sessions.get(request.cookies.get(cookie_name(request)))
    return templates.TemplateResponse(request, name, {"session": session, **context},
                                      status_code=status_code)


# what a file from the gateway keeps on its way to the browser: its type, name and length
PASSED_DOWNLOAD_HEADERS = ("content-type", "content-disposition", "content-length")


async def passed_file(request: Request, session: Session, path: str, params=None) -> Response:
    """A file the API serves (`path` under /api), passed to the browser as the download it is."""
    answer = await request.app.state.gateway.raw(session, "GET", path, params=params)
    if answer.status_code >= 400:
        raise error_of(answer)
    headers = {k: v for k, v in answer.headers.items() if k.lower() in PASSED_DOWNLOAD_HEADERS}
    return Response(answer.content, headers={**headers, "X-Content-Type-Options": "nosniff"})


# the answers that are the request's own problem, named by the API: the person can fix them
REFUSALS = (404, 409, 413, 415, 422)


async def api_change(request: Request, session: Session, method: str, path: str, refused: str,
                     stale: str | None = None, **kwargs):
    """A change through the API; a refusal the person can fix is shown as `refused` (a
    message key) followed by the API's reason — or, for an edit of a version someone saved
    over meanwhile (409), as `stale` — anything else as the API's error."""
    try:
        return await request.app.state.gateway.call(session, method, path, **kwargs)
    except ApiError as exc:
        if exc.status == 409 and stale:
            raise Refused(409, messages(stale)) from exc
        if exc.status in REFUSALS:
            raise Refused(exc.status, f"{messages(refused)}{exc}") from exc
        raise


def redirect(request: Request, url: str) -> Response:
    """A redirect that works for a plain navigation and for an htmx request alike."""
    if is_htmx(request):
        return Response(status_code=204, headers={"HX-Redirect": url})
    return RedirectResponse(url, status_code=303)


def flash(request: Request, message: str, kind: str = "error", status_code: int = 200) -> Response:
    """A message for htmx to show in the page's message area instead of its target."""
    response = render(request, "_flash.html", status_code=status_code, message=message, kind=kind)
    response.headers.update({"HX-Retarget": "#flash", "HX-Reswap": "innerHTML"})
    return response


def install_error_pages(app) -> None:
    @app.exception_handler(SignInRequired)
    async def _signin(request: Request, exc: SignInRequired) -> Response:
        return redirect(request, SIGNIN_PATH)

    @app.exception_handler(Refused)
    async def _refused(request: Request, exc: Refused) -> Response:
        if is_htmx(request):
            return flash(request, exc.message, status_code=exc.status)
        return render(request, "error.html", status_code=exc.status, message=exc.message)

    @app.exception_handler(ApiError)
    async def _api(request: Request, exc: ApiError) -> Response:
        if exc.status == 401:  # the token expired or was revoked: sign in again
            return redirect(request, SIGNIN_PATH + "?expired=1")
        message = messages("error.forbidden") if exc.status == 403 else str(exc)
        status = exc.status if exc.status < 500 else 502
        if is_htmx(request):
            return flash(request, message, status_code=status)
        return render(request, "error.html", status_code=status, message=message)
