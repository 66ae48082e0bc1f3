"""Tools around the pipeline: synthetic captures for tests and benchmarks, the Parquet export."""
