"""Chinese text cut into words for PostgreSQL's full-text search.

PostgreSQL splits text on spaces and punctuation, which Chinese does not have: "数据库
连接池耗尽" would be one token and "连接池" would never find it. jieba cuts it first;
documents are cut in search mode (every word and the words inside it: 数据, 数据库,
连接, 连接池), queries in precise mode (数据库, 连接池), so a query word finds the
documents that contain it, whole or as part of a longer word. Latin words are
lower-cased; punctuation and one-character particles are dropped."""

from __future__ import annotations

import re
from functools import lru_cache

from sqlalchemy import cast
from sqlalchemy.dialects.postgresql import TSQUERY

from ticketing.knowledge import lexicon

_WORD = re.compile(r"\w")
_PARTICLES = frozenset("的了是在和与及或等把被就也都而且着过吗呢吧啊")


@lru_cache(maxsize=1)
def _jieba():
    """jieba on memory-mapped tables (lexicon): made on first use, not at import time."""
    return lexicon.tokenizer()


# Longer "words" are pasted logs or hashes nobody types into a search box, and
# PostgreSQL refuses lexemes over 2 KB.
MAX_TERM_CHARS = 64
# A query's words beyond these are dropped: a pasted paragraph is not a search.
MAX_QUERY_TERMS = 32


def _keep(token: str) -> bool:
    token = token.strip()
    return (bool(token) and len(token) <= MAX_TERM_CHARS and _WORD.search(token) is not None
            and token not in _PARTICLES)


def document_terms(*texts: str) -> str:
    """Space-separated search terms of a document's texts (for to_tsvector('simple'))."""
    cut = _jieba().cut_for_search
    return " ".join(t.strip().lower() for text in texts if text for t in cut(text) if _keep(t))


def query_terms(text: str) -> list[str]:
    """The words of a query, each once, in order."""
    seen: dict[str, None] = {}
    for token in _jieba().cut(text):
        if _keep(token):
            seen.setdefault(token.strip().lower(), None)
    return list(seen)


def tsquery(terms: list[str], joiner: str):
    """`terms` joined by `&` (every word) or `|` (any), as a bind parameter cast to tsquery:
    each term a quoted lexeme taken as it is (like the documents' words) — no tsquery syntax
    from the user, no parser in between."""
    text = f" {joiner} ".join("'" + t.replace("\\", "\\\\").replace("'", "''") + "'" for t in terms)
    return cast(text, TSQUERY)
