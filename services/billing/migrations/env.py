from opspact.db.migrations import run_env
from billing.tables import metadata

run_env(metadata, "billing")
