"""Normalising captures into the lake's frames (quotes, index levels, headlines, rejections).

- :mod:`.captures`: captures to frames: decode, parse every line at once (:mod:`..ticker`), date;
- :mod:`.batches`: the pending captures split into batches of capture-date partitions;
- :mod:`.pending`: the captures the lake lacks, normalised and stored batch by batch.
"""
