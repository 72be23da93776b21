"""OpsPact common library: settings, database, outbox/inbox, events, auth, errors."""

SERVICES = ("ticketing", "inventory", "billing", "notify")
