"""When a consumer decides the broker lost its log (issue 21: consumers restarted about
five times a minute on a quiet stack because Tansu's end offset trails the position)."""

from aiokafka.structs import TopicPartition
from opspact.inbox import LostLogWatch

A, B = TopicPartition("ticketing.events", 0), TopicPartition("ticketing.events", 1)


def test_a_position_past_tansus_end_offset_is_normal():
    watch = LostLogWatch()
    watch.committed(A, 180)
    for _ in range(100):  # end 179 (the last batch's start + 1), our position 180
        assert watch.check({A: (179, 180)}) is None


def test_a_lost_log_needs_two_looks_in_a_row():
    watch = LostLogWatch()
    watch.committed(A, 40)
    assert watch.check({A: (41, 40), B: (3, None)}) is None
    assert watch.check({A: (0, None), B: (0, None)}) is None  # one odd look: could be a rebalance
    assert watch.check({A: (41, 40), B: (3, None)}) is None  # and it was
    assert watch.check({A: (0, None), B: (0, None)}) is None
    reason = watch.check({A: (0, None), B: (0, None)})
    assert reason and "committed None, we committed 40" in reason and "end 0, was 41" in reason


def test_a_shorter_log_without_our_commits_still_counts():
    watch = LostLogWatch()
    assert watch.check({B: (12, None)}) is None
    assert watch.check({B: (2, None)}) is None
    assert "end 2, was 12" in watch.check({B: (2, None)})


def test_committed_behind_what_we_committed():
    watch = LostLogWatch()
    watch.committed(A, 10)
    assert watch.check({A: (10, 10)}) is None
    watch.committed(A, 11)
    assert watch.check({A: (11, 11)}) is None
    assert watch.check({A: (11, 3)}) is None
    assert "committed 3, we committed 11" in watch.check({A: (11, 3)})


def test_no_partitions_three_times():
    watch = LostLogWatch()
    assert watch.check({}) is None and watch.check({}) is None
    assert watch.check({}) == "no partitions assigned"
