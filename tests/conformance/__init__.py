"""Conformance of the PGx matcher with PharmCAT's own material (`../shared/data/pharmcat`): the
harness (`pharmcat.py`) and its tests; `bench/pgx_pharmcat.py` tabulates the same runs."""
