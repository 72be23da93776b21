"""Dependency loops found in memory, before an import writes anything."""

from inventory.assets.loops import loops


def test_a_loop_through_registered_relations_is_spelled_out():
    existing = [("vm", "host")]  # vm runs_on host
    found = loops(existing, [(1, "host", "vm", "runs_on")])
    assert found == {1: ["host", "vm", "host"]}


def test_part_of_reverses_the_reliance():
    # module part_of system: the system relies on its module; module depends_on system loops
    found = loops([], [(1, "module", "system", "part_of"), (2, "module", "system", "depends_on")])
    assert found == {2: ["module", "system", "module"]}


def test_connects_to_and_self_relations():
    assert loops([], [(1, "a", "b", "connects_to"), (2, "b", "a", "connects_to")]) == {}
    assert loops([], [(1, "a", "a", "depends_on")]) == {1: ["a", "a"]}


def test_a_refused_edge_does_not_poison_the_rest():
    # 2 is refused and left out, so 3 and 4 (c relies on b, d relies on c) are fine;
    # a relying on d is fine too (b does not rely on a); b relying on d loops through c.
    found = loops([], [(1, "a", "b", "depends_on"), (2, "b", "a", "depends_on"),
                       (3, "c", "b", "depends_on"), (4, "d", "c", "depends_on"),
                       (5, "a", "d", "depends_on"), (6, "b", "d", "depends_on")])
    assert found == {2: ["b", "a", "b"], 6: ["b", "d", "c", "b"]}
