"""OpsPact common library: settings, database, outbox/inbox, events, auth, errors."""

import sys

SERVICES = ("ticketing", "inventory", "billing", "notify")
# Everything that owns a schema and a login role: the services and the gateway (audit log).
DATABASE_USERS = (*SERVICES, "gateway")

# httpx imports its command-line client whenever click, rich and pygments are installed (the
# dev tools bring them): 5.8 MB in every process, used by none. Marked absent, httpx skips
# it; the `httpx` command itself runs in a process of its own and is unaffected.
sys.modules.setdefault("httpx._main", None)
