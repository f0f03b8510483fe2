"""`make bench` at region scale: a data generator, the portal on gunicorn with
production settings, a load generator in another process, and BENCHMARKS.md.

Entry point: ``python -m bench.region.run`` (see bench/region/run.py).
"""
