"""A certified OpenID Provider run locally for the tests (panva/oidc-provider from the npm
registry, under the machine's Node.js): installed once into `.opspact/oidc-provider` with
`npm ci` from the lock file here, started on a free port, stopped after use. Without Node
the tests skip with the reason — except under CI=true, where they fail."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from opspact.cli.stack import free_port, repo_root

HERE = Path(__file__).parent / "oidc_provider"
CLIENT_ID = "opspact-console"
CLIENT_SECRET = "opspact-console-test-secret"


@dataclass
class IdentityProvider:
    issuer: str
    client_id: str = CLIENT_ID
    client_secret: str = CLIENT_SECRET

    def console_env(self) -> dict[str, str]:
        return {"OPSPACT_CONSOLE_OIDC_ISSUER": self.issuer, "OPSPACT_CONSOLE_OIDC_CLIENT_ID": self.client_id,
                "OPSPACT_CONSOLE_OIDC_CLIENT_SECRET": self.client_secret}

    def gateway_env(self) -> dict[str, str]:
        return {"OPSPACT_GATEWAY_JWKS_SOURCE": f"{self.issuer}/jwks",
                "OPSPACT_GATEWAY_JWT_ISSUER": self.issuer}


def _missing(why: str):
    if os.environ.get("CI") == "true":
        pytest.fail(why)
    pytest.skip(why)


def installed() -> Path:
    """The provider's directory with its node_modules, installed from the lock file."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        _missing("Node.js and npm are needed for the OpenID provider (apt-get install nodejs npm)")
    target = repo_root() / ".opspact" / "oidc-provider"
    lock = (HERE / "package-lock.json").read_bytes()
    current = target / "package-lock.json"
    if not (target / "node_modules" / "oidc-provider").exists() or current.read_bytes() != lock:
        target.mkdir(parents=True, exist_ok=True)
        for name in ("package.json", "package-lock.json"):
            shutil.copyfile(HERE / name, target / name)
        done = subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=target, capture_output=True,
                              text=True, timeout=600)
        if done.returncode != 0:
            _missing(f"npm ci of oidc-provider failed: {done.stderr.strip()[-300:]}")
    shutil.copyfile(HERE / "provider.mjs", target / "provider.mjs")
    return target


@contextmanager
def identity_provider(public_url: str, accounts: dict[str, dict], access_ttl: int = 300
                      ) -> Iterator[IdentityProvider]:
    """The provider, with the console (at `public_url`) as its client and these accounts."""
    home = installed()
    port = free_port()
    env = {**os.environ, "PORT": str(port), "CLIENT_ID": CLIENT_ID, "CLIENT_SECRET": CLIENT_SECRET,
           "REDIRECT_URI": f"{public_url}/console/oidc/callback",
           "POST_LOGOUT_URI": f"{public_url}/console/signin",
           "ACCOUNTS": json.dumps(accounts), "ACCESS_TTL": str(access_ttl)}
    log = open(home / "provider.log", "ab")  # noqa: SIM115 - the child owns it
    process = subprocess.Popen([shutil.which("node"), "provider.mjs"], cwd=home, env=env, stdout=log,
                               stderr=subprocess.STDOUT, start_new_session=True)
    issuer = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{issuer}/.well-known/openid-configuration", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the OpenID provider did not start; see {home / 'provider.log'}")
            time.sleep(0.2)
        yield IdentityProvider(issuer)
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
