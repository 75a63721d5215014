"""Benchmarks: `make bench` prints medians and ratios; nothing here is asserted by tests."""
