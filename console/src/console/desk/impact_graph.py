"""The impact walk as a picture: the failed asset on the left, what it takes down in columns
by depth, a line from each asset to the one through which the failure reaches it. Laid out
here (plain numbers) so the page draws it as SVG with no script."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

COLUMN = 220  # px between depths
ROW = 56  # px between assets of one depth
BOX_W, BOX_H = 180, 40
MARGIN = 12


@dataclass
class Node:
    code: str
    name: str
    kind: str
    depth: int
    x: int
    y: int


@dataclass
class Edge:
    x1: int
    y1: int
    x2: int
    y2: int


@dataclass
class Layout:
    nodes: list[Node]
    edges: list[Edge]
    width: int
    height: int


def layout(failed: dict, impact: dict) -> Layout:
    """`failed`: the asset ({code, name, kind}); `impact`: the API's walk from it."""
    columns: dict[int, list[dict]] = defaultdict(list)
    columns[0].append({**failed, "depth": 0, "via": None})
    for item in sorted(impact["impacted"], key=lambda i: (i["depth"], i["via"], i["code"])):
        columns[item["depth"]].append(item)
    at: dict[str, Node] = {}
    nodes = []
    for depth in sorted(columns):
        for row, item in enumerate(columns[depth]):
            node = Node(item["code"], item["name"], str(item["kind"]), depth,
                        MARGIN + depth * COLUMN, MARGIN + row * ROW)
            at.setdefault(item["code"], node)
            nodes.append(node)
    edges = []
    for node in nodes[1:]:
        item = next(i for i in columns[node.depth] if i["code"] == node.code)
        parent = at.get(item["via"])
        if parent is not None:
            edges.append(Edge(parent.x + BOX_W, parent.y + BOX_H // 2, node.x, node.y + BOX_H // 2))
    tallest = max(len(c) for c in columns.values())
    return Layout(nodes, edges, width=MARGIN * 2 + max(columns) * COLUMN + BOX_W,
                  height=MARGIN * 2 + (tallest - 1) * ROW + BOX_H)
