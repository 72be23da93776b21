"""The test stack's listening ports: each free, all different, and none from the range the
kernel hands to outgoing connections — one taken from there was once grabbed by a service's
connection to PostgreSQL before the console could bind it."""

from __future__ import annotations

import random
import socket

from opspact.cli.stack import DEFAULT_PORTS, ephemeral_range, listen_ports


def test_ports_are_distinct_free_and_below_the_ephemeral_range():
    low, _ = ephemeral_range()
    for seed in range(20):
        ports = listen_ports(DEFAULT_PORTS, rng=random.Random(seed))
        assert set(ports) == set(DEFAULT_PORTS) and len(set(ports.values())) == len(ports)
        assert all(1024 <= p < low for p in ports.values())


def test_a_port_in_use_or_already_taken_is_not_chosen():
    first = listen_ports(["a"], rng=random.Random(7))["a"]
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", first))  # the port the same draw would give is now in use
        assert listen_ports(["a"], rng=random.Random(7))["a"] != first
    assert listen_ports(["b"], taken={first}, rng=random.Random(7))["b"] != first
