"""DuckDB: the private working database, its checks, and the published warehouse file.

- :mod:`.database`: connecting, reading tables, and publishing the warehouse atomically;
- :mod:`.quality`: the data-quality queries behind the Dagster asset checks;
- :mod:`.spark_tables`: a Spark build's Parquet loaded into the working database;
- :mod:`.sql`: quoting for the few statements built from names.
"""
