"""A tenant's notify settings changed for a test and put back after it, and the provider
template codes the SMS sink approves (what Alibaba and Tencent would have on file)."""

from __future__ import annotations

import copy
from contextlib import contextmanager

from opspact.testing.plugin import auth

ADMIN = "platform_admin"


@contextmanager
def notify_slice(gateway, tenant: str, change):
    """The tenant's notify slice changed by `change(settings)` for the block, then put back
    as its tenant file has it. Not as it was read: the read shows what the service learnt
    since (wuqia's term, once acceptance is recorded), which a file never carries."""
    from opspact.cli.stack import repo_root
    from opspact.tenancy.model import load_tenant_files
    headers = auth(tenant, ADMIN)
    changed = copy.deepcopy(gateway.get(f"/api/notify/tenants/{tenant}", headers=headers).json()["config"])
    change(changed["settings"])
    r = gateway.put(f"/api/notify/tenants/{tenant}", headers=headers, json=changed)
    assert r.status_code == 200, r.text
    try:
        yield changed["settings"]
    finally:
        [file] = load_tenant_files(repo_root() / "deploy" / "tenants" / f"{tenant}.yaml")
        r = gateway.put(f"/api/notify/tenants/{tenant}", headers=headers, json=file.slice_for("notify"))
        assert r.status_code == 200, r.text


def approved_codes(name: str) -> dict[str, str]:
    """The code each provider approved the built-in template `name` under (the sink's list)."""
    from notify import catalogue
    from notify.sink import approved_templates
    from notify.templates.service import provider_texts
    template = catalogue.TEMPLATES[name]
    texts = provider_texts(list(template.fields), template.text)
    approved = approved_templates()
    return {provider: next(code for code, text in approved[provider].items() if text == texts[provider])
            for provider in ("alibaba", "tencent")}


def use_providers(settings, codes=None) -> None:
    """Alibaba then Tencent, with `codes` for ticket_created (default: the approved ones)."""
    settings["sms"]["providers"] = ["alibaba", "tencent"]
    settings["sms"]["provider_templates"] = {p: {"ticket_created": c} for p, c in
                                             (codes or approved_codes("ticket_created")).items()}
