"""When a capture was taken and which market date it shows.

- :mod:`.market_time`: Pakistan time, the zone the PSX trades in and Business Recorder prints;
- :mod:`.calendar`: PSX trading days and market-date resolution (the holidays seed);
- :mod:`.sources`: dating a capture from outside its page (fetch sidecar, file name, file time).
"""
