from gateway.audit import metadata
from opspact.db.migrations import run_env

run_env(metadata, "gateway")
