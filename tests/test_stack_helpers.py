"""`opspact up` watches its processes: a helper that finishes its one job (the demo's
report archiving) is let go; anything else that stops takes the stack down."""

import sys
import time

from opspact.cli.stack import Stack


def test_a_one_shot_helper_that_finished_well_is_forgotten_and_any_other_exit_is_a_failure(tmp_path):
    stack = Stack(data_dir=tmp_path)
    stack.start_command("demo-reports", [sys.executable, "-c", "pass"], {}, one_shot=True)
    stack.start_command("scheduler", [sys.executable, "-c", "import time; time.sleep(30)"], {})
    try:
        deadline = time.monotonic() + 20
        while "demo-reports" in stack.procs and time.monotonic() < deadline:
            assert stack.failed() is None
            time.sleep(0.05)
        assert "demo-reports" not in stack.procs
        stack.start_command("broken", [sys.executable, "-c", "raise SystemExit(3)"], {}, one_shot=True)
        stack.procs["broken"].wait(20)
        assert stack.failed() == ("broken", 3)
    finally:
        for proc in stack.procs.values():
            proc.kill()
            proc.wait()
