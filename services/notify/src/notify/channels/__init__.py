"""Channels: how a message leaves OpsPact (SMS providers, SMTP, chat robots).

Every adapter answers with an `Outcome` or raises one of the errors below, so the
sender decides retries, failover and fallback the same way for all of them."""
