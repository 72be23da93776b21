"""`opspact inventory import | eol | impact` against the running stack."""

import uuid

import pytest
from opspact.cli.main import main as cli


@pytest.fixture
def url(stack, monkeypatch):
    monkeypatch.setenv("OPSPACT_URL", stack.url("gateway"))
    monkeypatch.delenv("OPSPACT_TOKEN", raising=False)


def test_import_eol_and_impact(url, tmp_path, capsys):
    run = uuid.uuid4().hex[:6]
    path = tmp_path / "assets.csv"
    path.write_text("\n".join([
        "kind,code,name,os,category,product,version,runs_on,depends_on",
        f"server,srv-{run},居住证应用服务器,Windows Server 2019,,,,,",
        f"software,tomcat-{run},Tomcat,,middleware,Tomcat,9.0.80,srv-{run},",
        f"application,permit-{run},居住证系统,,,,,,tomcat-{run}",
    ]) + "\n", encoding="utf-8")
    assert cli(["inventory", "import", str(path), "--tenant", "beijing", "--dry-run"]) == 0
    assert "3 to create" in capsys.readouterr().out
    assert cli(["inventory", "import", str(path), "--tenant", "beijing"]) == 0
    out = capsys.readouterr().out
    assert "3 created" in out and "2 relations added" in out
    assert cli(["inventory", "eol", "--tenant", "beijing"]) == 0
    out = capsys.readouterr().out
    assert f"tomcat-{run}" in out and "near" in out and "2027-03-31" in out
    assert cli(["inventory", "impact", f"srv-{run}", "--tenant", "beijing"]) == 0
    tree = capsys.readouterr().out.splitlines()
    assert tree[1].strip().startswith(f"└ tomcat-{run}") and tree[2].startswith("    └ permit-")


def test_import_errors_exit_non_zero(url, tmp_path, capsys):
    path = tmp_path / "bad.csv"
    path.write_text("kind,code,name\nspaceship,x,飞船\n", encoding="utf-8")
    assert cli(["inventory", "import", str(path), "--tenant", "beijing"]) == 1
    assert "nothing imported" in capsys.readouterr().err
    assert cli(["inventory", "impact", "no-such", "--tenant", "beijing"]) == 1


def test_roster_gaps_over_the_national_day_week(url, capsys):
    # xinjiang needs someone on site every day of the 2025 holiday week (off_days post)
    assert cli(["roster", "gaps", "--tenant", "xinjiang", "--from", "2025-10-01",
                "--to", "2025-10-08"]) == 0
    out = capsys.readouterr().out
    assert "off-day-duty" in out and "2025-10-01 10:00" in out and "uncovered post-hours" in out
    assert cli(["roster", "gaps", "--tenant", "xinjiang", "--from", "yesterday",
                "--to", "2025-10-08"]) == 1
