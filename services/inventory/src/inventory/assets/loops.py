"""Dependency loops found before anything is written (the import's dry run).

The same reading of relations as `graph`: `A runs_on/depends_on B` is "A relies on B",
`M part_of W` is "W relies on M". Edges are added in file order; an edge whose
dependency already relies, directly or not, on its dependent closes a loop and is
reported with the loop spelled out, and left out of the graph (so one bad edge is
reported once, not again for every edge after it)."""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Iterable

from inventory.assets.graph import DEPENDENCY_TYPES


def dependency_edge(source: str, target: str, rel_type: str) -> tuple[str, str] | None:
    if rel_type not in DEPENDENCY_TYPES:
        return None
    return (target, source) if rel_type == "part_of" else (source, target)


def _path(graph: dict[str, set[str]], start: str, goal: str) -> list[str] | None:
    """Shortest chain start → … → goal along "relies on" edges (BFS)."""
    previous: dict[str, str | None] = {start: None}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        if node == goal:
            chain = []
            while node is not None:
                chain.append(node)
                node = previous[node]
            return chain[::-1]
        for nxt in sorted(graph[node]):
            if nxt not in previous:
                previous[nxt] = node
                queue.append(nxt)
    return None


def loops(existing: Iterable[tuple[str, str]],
          proposed: Iterable[tuple[object, str, str, str]]) -> dict[object, list[str]]:
    """`existing`: (dependent, dependency) codes already registered; `proposed`:
    (key, source, target, type) in file order. Returns key → the loop each closing
    edge would make, as codes from the dependent round to itself."""
    graph: dict[str, set[str]] = defaultdict(set)
    for dependent, dependency in existing:
        graph[dependent].add(dependency)
    found: dict[object, list[str]] = {}
    for key, source, target, rel_type in proposed:
        edge = dependency_edge(source, target, rel_type)
        if edge is None:
            continue
        dependent, dependency = edge
        back = [dependent] if dependent == dependency else _path(graph, dependency, dependent)
        if back is not None:
            found[key] = [dependent, *back] if dependent != dependency else [dependent, dependent]
            continue
        graph[dependent].add(dependency)
    return found
