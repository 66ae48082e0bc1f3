"""Planning a build: has anything changed since the last one, and what must be redone.

- :mod:`.planning`: the plan (nothing new, which market dates to rebuild);
- :mod:`.changes`: the market dates whose captures changed;
- :mod:`.stamp`: the stamp of the last successful build, to skip a build with nothing new;
- :mod:`.fingerprint`: fingerprints of code and reference data;
- :mod:`.dbt_parse`, :mod:`.dbt_manifest`: dbt's parse of the project, made once and read.
"""
