"""jieba with its dictionary and its HMM table in two memory-mapped tries.

Stock jieba holds its 349,045 words and every prefix of them (498,113 keys) in a Python dict,
and its HMM emission table (35,224 probabilities) in nested dicts: 72 MB in each process
that cuts a ticket's text, which took ticketing's API from 126 MB to 197 MB on its first
ticket (issue 27: ≤ 120 MB). The same data as marisa tries is 1.9 MB of mapped file (3.2 MB
with jieba's code: `bench memory`), and the cut is the same — jieba's own code runs on it;
only its lookups change:

- `Tokenizer.FREQ` is a read-only mapping over the words of frequency > 0 (jieba's
  prefixes of frequency 0 are `get(...) or 1` and falsy alike wherever it reads them), and
  `get_DAG` asks the trie for the words starting at each position in one call, instead of
  probing each longer prefix of the sentence in a dict.
- `jieba.finalseg.prob_emit` is registered before jieba is imported, as a module whose `P`
  reads the emission trie: jieba imports that module's 1.3 MB of literals otherwise; and
  jieba is imported without pkg_resources, which it takes only to find its own files.

The tries are built from the installed jieba's own data, once per machine, by a child
process (`python -m ticketing.knowledge.lexicon DIR`: building takes 0.4 s and leaves
18 MB of freed heap behind in the process that does it), into the temporary directory
where jieba keeps its own cache; the directory's name carries a digest of that data, so
another jieba version builds its own."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import types
from pathlib import Path

import marisa_trie

log = logging.getLogger(__name__)

FORMAT = 1  # bump when what the builder writes changes
STATES = "BMES"  # jieba's HMM states: begin, middle, end of a word, single character
_WORDS, _EMISSIONS, _FACTS = "words.marisa", "emissions.marisa", "facts.json"


def _jieba_dir() -> Path:
    return Path(importlib.util.find_spec("jieba").origin).parent  # found, not imported


def data_digest() -> str:
    """What the tries are built from: jieba's dictionary and emission table, and FORMAT."""
    digest = hashlib.sha256(str(FORMAT).encode())
    for part in ("dict.txt", "finalseg/prob_emit.py"):
        digest.update((_jieba_dir() / part).read_bytes())
    return digest.hexdigest()[:16]


def cache_dir() -> Path:
    return Path(tempfile.gettempdir()) / f"opspact-lexicon-{data_digest()}"


def build(target: Path) -> None:
    """Write the tries into `target` (a new directory) from stock jieba, as jieba reads it."""
    import jieba
    from jieba.finalseg.prob_emit import P as emissions

    with open(_jieba_dir() / "dict.txt", "rb") as source:
        frequencies, total = jieba.Tokenizer.gen_pfdict(source)
    words = {word: (freq,) for word, freq in frequencies.items() if freq > 0}
    target.mkdir(parents=True)
    marisa_trie.RecordTrie("<q", words.items()).save(str(target / _WORDS))
    marisa_trie.RecordTrie("<d", ((state + char, (p,)) for state, table in emissions.items()
                                  for char, p in table.items())).save(str(target / _EMISSIONS))
    (target / _FACTS).write_text(json.dumps({"total": total, "longest": max(map(len, words))}))


def ensure_built() -> Path:
    """The cache directory, built by a child process if this machine has none yet. Two
    processes may build at once: each into its own directory, the first rename wins."""
    final = cache_dir()
    if (final / _FACTS).exists():
        return final
    scratch = Path(tempfile.mkdtemp(prefix=final.name + ".", dir=final.parent))
    shutil.rmtree(scratch)  # the builder creates it: a half-built one is never renamed
    try:
        subprocess.run([sys.executable, "-m", __name__, str(scratch)], check=True,
                       capture_output=True, timeout=120)
        os.rename(scratch, final)
    except OSError:
        if not (final / _FACTS).exists():
            raise
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return final


class Frequencies:
    """jieba's FREQ as it reads it: `get` and `[]` of a word (prefixes are not kept)."""

    __slots__ = ("_trie",)

    def __init__(self, trie: marisa_trie.RecordTrie) -> None:
        self._trie = trie

    def get(self, word: str, default=None):
        found = self._trie.get(word)
        return found[0][0] if found else default

    def __getitem__(self, word: str) -> int:
        return self.get(word, 0)


class Emissions:
    """One HMM state's row of the emission table: `get(char, default)` as finalseg reads it."""

    __slots__ = ("_trie", "_state")

    def __init__(self, trie: marisa_trie.RecordTrie, state: str) -> None:
        self._trie, self._state = trie, state

    def get(self, char: str, default: float) -> float:
        found = self._trie.get(self._state + char)
        return found[0][0] if found else default


def _words_at(trie: marisa_trie.RecordTrie, longest: int):
    def get_DAG(sentence: str) -> dict[int, list[int]]:  # noqa: N802 (jieba's name)
        """For each position, where the words starting there end (itself when none does)."""
        dag = {}
        for start in range(len(sentence)):
            ends = sorted(start + len(word) - 1 for word in trie.prefixes(sentence[start:start + longest]))
            dag[start] = ends or [start]
        return dag
    return get_DAG


def _import_jieba():
    """jieba without pkg_resources (6.4 MB, deprecated): jieba falls back to opening its
    files by path, and reads none of them here (the tries stand for its dictionary)."""
    absent = "pkg_resources" not in sys.modules
    if absent:
        sys.modules["pkg_resources"] = None
    try:
        import jieba
    finally:
        if absent:
            del sys.modules["pkg_resources"]
    jieba.setLogLevel(logging.WARNING)
    return jieba


def tokenizer():
    """A jieba Tokenizer on the tries (import jieba through this, never before it); stock
    jieba's when they cannot be built here — the same words, at its memory."""
    try:
        directory = ensure_built()
    except (OSError, subprocess.SubprocessError) as exc:
        log.warning("jieba's tries could not be built (%s): cutting with stock jieba", exc)
        return _import_jieba().dt
    emissions = marisa_trie.RecordTrie("<d").mmap(str(directory / _EMISSIONS))
    module = types.ModuleType("jieba.finalseg.prob_emit")
    module.P = {state: Emissions(emissions, state) for state in STATES}
    sys.modules.setdefault(module.__name__, module)
    jieba = _import_jieba()
    if not isinstance(jieba.finalseg.emit_P["B"], Emissions):
        log.warning("jieba was imported before its compact tables: its own stay in memory")
    facts = json.loads((directory / _FACTS).read_text())
    words = marisa_trie.RecordTrie("<q").mmap(str(directory / _WORDS))
    cutter = jieba.Tokenizer()
    cutter.FREQ, cutter.total, cutter.initialized = Frequencies(words), facts["total"], True
    cutter.get_DAG = _words_at(words, facts["longest"])
    return cutter


def _main(argv: list[str]) -> None:
    build(Path(argv[0]))


if __name__ == "__main__":
    _main(sys.argv[1:])

