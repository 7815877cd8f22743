"""Benchmarks, run by ``make bench``; they print figures and never assert on time."""
