from opspact.db.migrations import run_env
from notify.tables import metadata

run_env(metadata, "notify")
