from billing.tables import metadata
from opspact.db.migrations import run_env

run_env(metadata, "billing")
