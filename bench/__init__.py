"""Benchmarks of the Strategieportal: `python -m bench` (or `make bench`).

Every figure is printed beside the same figure for a baseline measured in the same run — a minimal
Django view rendering `base.html` — so a page's cost reads as a ratio that does not depend on the
machine. Targets live in `bench/targets.py`. `python -m bench --newsletter` measures sending a
newsletter instead (`bench/newsletter.py`).
"""
