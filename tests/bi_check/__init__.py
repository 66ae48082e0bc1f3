"""``make bi-check``: the BI clients people use, each in its own pinned environment, for real.

Not part of ``make test``: it installs Apache Superset, Harlequin, several SQLAlchemy and DuckDB
versions and Evidence's DuckDB driver (cached under ``.bi/``), builds the shipped sample into a
fresh warehouse and drives every client against it the way docs/bi-clients.md tells a user to.
Run it with ``make bi-check`` or ``.venv/bin/python -m tests.bi_check [--only NAME,...]``.
"""
