"""Synthetic Business Recorder captures for tests and benchmarks (``market-snapshots synth``).

Prices follow a seeded random walk over real PSX sessions; every page is printed exactly the way
the site prints its ticker strip, so the normaliser cannot tell it from a real capture. Beside the
pages, ``expected.json`` holds the ground truth: per market date the closing quotes and index
levels, as the page that should win that date prints them, and the links its headlines make.

Modules, in the order a capture is made: :mod:`.symbols` (which stocks are on the strip),
:mod:`.market` (the random walk), :mod:`.schedule` (sessions and capture times), :mod:`.strip`
(ticker lines as the site prints them), :mod:`.headlines` and :mod:`.pages` (the text and HTML
page around the strip), :mod:`.writer` (capture files and their times), :mod:`.captures`
(:func:`~.captures.write_captures` and ``expected.json``) and :mod:`.command` (the sub-command).
"""
