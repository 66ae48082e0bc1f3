"""The lake: the normalised frames as Parquet, and their mirror in the working database.

- :mod:`.files`: the Parquet files, Hive-partitioned by capture date, written atomically;
- :mod:`.mirror`: the working database's copy of the lake, reloaded partition by partition.
"""
