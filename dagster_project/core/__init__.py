"""The pipeline as plain, typed code (no Dagster), in the order a capture goes through it.

- :mod:`.raw`: listing the raw dir and landing each capture file;
- :mod:`.capture`: a capture's bytes (text or HTML) to the lines its page shows;
- :mod:`.ticker`: the ticker strip's lines to quotes and index levels; :mod:`.headlines`: the
  page's headlines;
- :mod:`.dating`: Pakistan time, the PSX calendar, and dating a capture;
- :mod:`.normalise`: captures to the lake's frames, batch by batch; :mod:`.schemas`: those frames;
- :mod:`.lake`: the frames as Parquet, mirrored into the working database;
- :mod:`.build`: planning a build (what changed, what to redo) around dbt;
- :mod:`.warehouse`: the working database, its checks, and the published warehouse;
- :mod:`.fetch`: fetching the configured pages into capture files;
- :mod:`.errors`, :mod:`.disk`, :mod:`.processes`, :mod:`.reference`: shared small pieces.
"""
