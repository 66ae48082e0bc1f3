"""Fetching the configured pages over HTTP into capture files under the raw dir.

One module per concept; import each name from its home:

- ``pages``: the page list (``config/pages.yaml``) read and validated into ``Page`` values;
- ``policy``: ``FetchPolicy`` (timeouts, retries, size and redirect caps, User-Agent) and which
  URLs may be fetched at all;
- ``http``: ``fetch_page`` and ``fetch_all`` with retries and backoff, giving a ``FetchOutcome``;
- ``capture_file``: ``write_capture``, a fetched body stored under ``<raw>/fetched/YYYY/MM/DD/``;
- ``sidecar``: the hidden JSON file beside each fetched capture (URL, fetch time), written and
  read back.
"""
