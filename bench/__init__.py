"""Benchmarks (`make bench`). Each prints its figures next to a baseline measured in
the same run, because these machines are too noisy for absolute numbers to mean much."""
