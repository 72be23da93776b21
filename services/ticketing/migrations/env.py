from opspact.db.migrations import run_env
from ticketing.tables import metadata

run_env(metadata, "ticketing")
