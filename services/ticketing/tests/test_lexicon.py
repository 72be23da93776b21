"""jieba on memory-mapped tries cuts exactly as stock jieba does: the search index written
before and after the change must agree, or old tickets stop being found."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from ticketing.knowledge import lexicon

ROOT = Path(__file__).resolve().parents[3]
CUT = """
import json, sys
texts = json.load(sys.stdin)
if len(sys.argv) > 2:  # somewhere the tries cannot be written
    import tempfile
    tempfile.tempdir = sys.argv[2]
if sys.argv[1] == "stock":
    import jieba, logging
    jieba.setLogLevel(logging.WARNING)
    cutter = jieba.dt
else:
    from ticketing.knowledge import lexicon
    cutter = lexicon.tokenizer()
    import jieba.finalseg
    compact = isinstance(jieba.finalseg.emit_P["S"], lexicon.Emissions)
    assert compact == (len(sys.argv) == 2), f"compact emission table: {compact}"
json.dump([[list(cutter.cut(t)), list(cutter.cut_for_search(t)), list(cutter.cut(t, HMM=False))]
           for t in texts], sys.stdout, ensure_ascii=False)
"""


def corpus() -> list[str]:
    """The project's own Chinese: tenant files, demo data, templates (names of systems and
    bodies, fault titles), and the unknown words only the HMM cuts."""
    files = [*ROOT.glob("deploy/tenants/*.yaml"), *ROOT.glob("shared/src/opspact/demo/*.py"),
             ROOT / "services/notify/src/notify/catalogue.py"]
    lines = [line.strip() for f in files for line in f.read_text(encoding="utf-8").splitlines()
             if re.search(r"[\u4e00-\u9fff]", line)]
    return lines + ["王警官报告缴费平台HTTP 502，数据库连接池耗尽", "乌恰县数据中台夜间同步失败",
                    "居住证打印机卡纸", "印章刻制管理系统上传照片失败。", ""]


def cuts(kind: str, texts: list[str], *temp: str) -> list:
    done = subprocess.run([sys.executable, "-c", CUT, kind, *temp], input=json.dumps(texts),
                          capture_output=True, text=True, timeout=120, check=True)
    return json.loads(done.stdout), done.stderr


def test_the_compact_tables_cut_as_stock_jieba():
    texts = corpus()
    assert len(texts) > 300
    compact, _ = cuts("compact", texts)
    assert compact == cuts("stock", texts)[0]
    assert compact[-3][0] == ["居住证", "打印机", "卡纸"]


def test_where_the_tries_cannot_be_written_stock_jieba_cuts(tmp_path):
    blocked = tmp_path / "a-file"
    blocked.write_text("not a directory")
    texts = ["居住证打印机卡纸", "乌恰县数据中台夜间同步失败"]
    words, warnings = cuts("compact", texts, str(blocked / "tmp"))
    assert words == cuts("stock", texts)[0]
    assert "cutting with stock jieba" in warnings


def test_the_tries_are_built_once_per_jieba_data(tmp_path, monkeypatch):
    monkeypatch.setattr(lexicon.tempfile, "tempdir", str(tmp_path))
    built = lexicon.ensure_built()
    assert built.parent == tmp_path and built.name == f"opspact-lexicon-{lexicon.data_digest()}"
    assert sorted(p.name for p in built.iterdir()) == ["emissions.marisa", "facts.json", "words.marisa"]
    facts = json.loads((built / "facts.json").read_text())
    assert facts["total"] > 60_000_000 and facts["longest"] >= 10
    stamp = (built / "words.marisa").stat().st_mtime_ns
    assert lexicon.ensure_built() == built and (built / "words.marisa").stat().st_mtime_ns == stamp
    assert [p.name for p in tmp_path.iterdir()] == [built.name]  # no scratch directory left
