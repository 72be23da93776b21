"""`opspact sla due` on the real tenant files."""

import pytest
from opspact.cli.main import main


def run(capsys, *argv):
    code = main(["sla", "due", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_due_before_national_day(capsys):
    code, out, _ = run(capsys, "--tenant", "zhuhai", "--start", "2025-09-26T16:00+08:00",
                       "--target", "5 working days")
    assert code == 0
    assert out.splitlines()[0] == "2025-10-10 16:00 星期五 (Asia/Shanghai)"


def test_start_without_offset_is_shanghai_time(capsys):
    code, out, _ = run(capsys, "--tenant", "xinjiang", "--start", "2025-09-26T16:00",
                       "--target", "4h")
    assert (code, out.splitlines()[0]) == (0, "2025-09-26 20:00 星期五 (Asia/Shanghai)")


def test_working_hours_schedule_for_plain_hours(capsys):
    code, out, _ = run(capsys, "--tenant", "xinjiang", "--start", "2025-09-26T16:00+08:00",
                       "--target", "4h", "--schedule", "working hours")
    assert (code, out.splitlines()[0]) == (0, "2025-09-28 11:00 星期日 (Asia/Shanghai)")


@pytest.mark.parametrize(("argv", "message"), [
    (["--tenant", "beijing", "--start", "2026-12-28T10:00", "--target", "5 working days"],
     "no working-day calendar for 2027"),
    (["--tenant", "beijing", "--start", "2027-03-01T10:00", "--target", "1 working day"],
     "no working-day calendar for 2027"),
    (["--tenant", "atlantis", "--start", "2025-01-02T10:00", "--target", "4h"], "unknown tenant"),
    (["--tenant", "zhuhai", "--start", "yesterday", "--target", "4h"], "cannot read start"),
    (["--tenant", "zhuhai", "--start", "2025-01-02T10:00", "--target", "4 fortnights"],
     "cannot read target"),
])
def test_errors_exit_non_zero_with_one_line(capsys, argv, message):
    code, out, err = run(capsys, *argv)
    assert code == 1 and out == ""
    assert message in err and len(err.strip().splitlines()) == 1
