from opspact.db.migrations import run_env
from inventory.tables import metadata

run_env(metadata, "inventory")
