"""OpsPact common library: settings, database, outbox/inbox, events, auth, errors."""

SERVICES = ("ticketing", "inventory", "billing", "notify")
# Everything that owns a schema and a login role: the services and the gateway (audit log).
DATABASE_USERS = (*SERVICES, "gateway")
