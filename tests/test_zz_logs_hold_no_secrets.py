"""Last of the cross-service tests on purpose (the name sorts it there): every log line the
session's stack wrote during the whole run — gateway, console, services, mail intake — is
read for the dev secrets, keys, tokens and the tenant files' (placeholder) mobile numbers.
The SMS sink's log is left out: it plays the third-party provider, whose job is to see them."""

import re

from opspact.cli.stack import repo_root
from opspact.settings import DEV_JWT_SECRET

ALWAYS = (DEV_JWT_SECRET, "dev-hook-secret:", "opspact-alibaba-test-secret", "opspact-tencent-test-key",
          "PRIVATE KEY-----", "Bearer ey", "eyJhbGci")


def mobiles() -> set[str]:
    """The tenant files' numbers (placeholders, but the masking must hold for real ones)."""
    files = sorted((repo_root() / "deploy" / "tenants").glob("*.yaml"))
    text = "\n".join(p.read_text(encoding="utf-8") for p in files)
    return set(re.findall(r"(?<!\d)1[3-9]\d{9}(?!\d)", text))


def test_no_log_of_the_run_holds_a_secret_a_token_or_a_mobile_number(stack):
    private = [line for line in stack.private_key.splitlines() if line and "-----" not in line]
    needles = [*ALWAYS, *private, *mobiles()]
    found = []
    for path in sorted(stack.log_dir.glob("*.log")):
        if path.name.startswith("sms-sink"):
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
            hits = [n for n in needles if n in line]
            if hits:
                found.append(f"{path.name}:{number}: {hits[0][:24]}… in {line[:160]}")
    assert found == [], "\n".join(found[:20])
