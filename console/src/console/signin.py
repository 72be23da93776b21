"""Signing in and out, and choosing the tenant to work in.

Dev: a form picks tenants, a role and a user id and mints the same HS256 token
`opspact token issue` does (refused outside dev). Sign-in forms get login-CSRF protection
from a pre-session cookie echoed in the form, as there is no session to bind a token to."""

from __future__ import annotations

import re
import secrets
import time
from urllib.parse import unquote

import jwt
from fastapi import APIRouter, Depends, Form, Request
from opspact.auth import ROLES, issue_dev_user_token, load_pem, verify_cert_token
from opspact.errors import Unauthorized
from starlette.responses import RedirectResponse, Response

from console import oidc
from console.security import csrf_matches
from console.sessions import Session
from console.web import (
    Refused,
    changing,
    cookie_name,
    current,
    messages,
    redirect,
    render,
    require_same_site,
)

router = APIRouter()
PRE_SESSION_COOKIE = "opspact-signin"
STATE_COOKIE = "opspact-oidc-state"
SLUG = re.compile(r"^[a-z][a-z0-9-]{1,31}$")
SUBJECT = re.compile(r"^[A-Za-z0-9_.@-]{1,64}$")
HOME = "/console/queue"


@router.get("/", include_in_schema=False)
async def root(request: Request) -> Response:
    return redirect(request, HOME)


@router.get("/console/signin")
async def signin_page(request: Request, expired: bool = False) -> Response:
    settings = request.app.state.settings
    pre = secrets.token_urlsafe(24)
    tenants = await request.app.state.known_tenants() if settings.is_dev else []
    response = render(request, "signin.html", pre_token=pre, dev=settings.is_dev, tenants=tenants,
                      roles=ROLES, expired=expired, session=None, oidc_name=settings.console_oidc_name
                      if settings.oidc_enabled else None, failed=request.query_params.get("failed"))
    response.set_cookie(PRE_SESSION_COOKIE, pre, max_age=1800, httponly=True, samesite="lax",
                        secure=settings.secure_cookies, path="/console/signin")
    return response


@router.post("/console/signin/dev")
async def dev_signin(request: Request, tenant: list[str] = Form(min_length=1, max_length=10),
                     role: str = Form(), subject: str = Form("dev-user")) -> Response:
    settings = request.app.state.settings
    if not settings.is_dev:
        raise Refused(404, messages("error.not_found"))
    await require_same_site(request, request.cookies.get(PRE_SESSION_COOKIE))
    known = await request.app.state.known_tenants()
    if role not in ROLES or not SUBJECT.match(subject) or not all(
            SLUG.match(t) and (not known or t in known) for t in tenant):
        raise Refused(422, "租户、角色或用户编号无效")
    tenants = list(dict.fromkeys(tenant))
    token = issue_dev_user_token(settings.console_dev_jwt_secret, subject, tenants, [role])
    expires = jwt.decode(token, options={"verify_signature": False})["exp"]
    session = request.app.state.sessions.open(token=token, subject=subject, tenants=tenants,
                                              roles=[role], method="dev", token_expires_at=expires)
    return signed_in(request, session)


@router.get("/console/signin/oidc")
async def oidc_signin(request: Request) -> Response:
    """Off to the identity provider; the state comes back with the browser, which must be
    the same browser (the state is also in a cookie only it holds)."""
    client = request.app.state.oidc
    if client is None:
        raise Refused(404, messages("error.not_found"))
    try:
        url, state = await client.authorization_url()
    except oidc.SignInFailed as exc:
        raise Refused(503, str(exc)) from exc
    response = RedirectResponse(url, status_code=303)
    response.set_cookie(STATE_COOKIE, state, max_age=oidc.PENDING_SECONDS, httponly=True, samesite="lax",
                        secure=request.app.state.settings.secure_cookies, path="/console/oidc")
    return response


@router.get("/console/oidc/callback")
async def oidc_callback(request: Request, state: str = "", code: str = "", error: str = "",
                        error_description: str = "") -> Response:
    client = request.app.state.oidc
    if client is None:
        raise Refused(404, messages("error.not_found"))
    try:
        if error:
            raise oidc.SignInFailed(f"身份认证服务拒绝：{error_description or error}")
        if not state or not code or not csrf_matches(state, request.cookies.get(STATE_COOKIE)):
            raise oidc.SignInFailed("登录请求无效或来自其他浏览器，请重新登录")
        tokens = await client.finish(state, code)
        tenants, roles = oidc.tenants_and_roles(tokens.claims)
    except oidc.SignInFailed as exc:
        return render(request, "error.html", status_code=401, message=str(exc), session=None)
    session = request.app.state.sessions.open(
        token=tokens.access_token, subject=str(tokens.claims["sub"]), tenants=tenants, roles=roles,
        method="oidc", token_expires_at=tokens.expires_at, refresh_token=tokens.refresh_token,
        id_token=tokens.id_token)
    response = signed_in(request, session)
    response.delete_cookie(STATE_COOKIE, path="/console/oidc")
    return response


@router.get("/console/signin/cert")
async def certificate_signin(request: Request) -> Response:
    """数字证书登录: the gateway checked the certificate presented to it and passes the token
    it minted (gateway.console); verified here with the gateway's key before it is trusted."""
    settings = request.app.state.settings
    refused = request.headers.get("x-opspact-cert-error")
    token = request.headers.get("x-opspact-cert-token")
    if refused or not token or not settings.internal_public_key:
        why = unquote(refused) if refused else "未检测到数字证书，请插入证书（UKey）后经证书登录入口访问"
        return render(request, "error.html", status_code=401, message=f"数字证书登录失败：{why}",
                      session=None)
    try:
        claims = verify_cert_token(load_pem(settings.internal_public_key), token)
    except Unauthorized as exc:
        return render(request, "error.html", status_code=401, message=f"数字证书登录失败：{exc.detail}",
                      session=None)
    session = request.app.state.sessions.open(
        token=token, subject=claims["sub"], tenants=claims["tenants"], roles=claims["roles"],
        method="pki", token_expires_at=claims["exp"])
    return signed_in(request, session)


def signed_in(request: Request, session: Session) -> Response:
    response = redirect(request, HOME)
    settings = request.app.state.settings
    response.set_cookie(cookie_name(request), session.id, httponly=True, samesite="lax",
                        secure=settings.secure_cookies, path="/",
                        max_age=settings.console_absolute_seconds)
    response.delete_cookie(PRE_SESSION_COOKIE, path="/console/signin")
    return response


@router.post("/console/signout")
async def signout(request: Request, session: Session = Depends(changing)) -> Response:
    request.app.state.sessions.close(session.id)
    goodbye = "/console/signin"
    if session.method == "oidc" and request.app.state.oidc is not None:  # end it at the provider too
        try:
            goodbye = await request.app.state.oidc.end_session_url(session.id_token) or goodbye
        except oidc.SignInFailed:
            pass  # the provider is down: our session is over all the same
    response = redirect(request, goodbye)
    response.delete_cookie(cookie_name(request), path="/")
    return response


@router.post("/console/tenant")
async def switch_tenant(request: Request, tenant: str = Form(),
                        session: Session = Depends(changing)) -> Response:
    if tenant not in session.tenants:
        raise Refused(403, f"您的账号未被授权访问租户 {tenant}")
    session.tenant = tenant
    return redirect(request, HOME)


@router.get("/console/me")
async def me(session: Session = Depends(current)) -> dict:
    """Who is signed in (for the page's script and for tests); never the token."""
    return {"subject": session.subject, "tenant": session.tenant, "tenants": list(session.tenants),
            "roles": list(session.roles), "method": session.method,
            "expires_in": int(session.token_expires_at - time.time()) if session.token_expires_at else None}
