"""Per-tenant versions of the message templates, checked when saved."""
