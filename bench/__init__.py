"""Benchmarks: `python -m bench` (make bench) prints one table of figures, each against a baseline
measured in the same run. See docs/performance.md."""
