"""Fetching the configured pages over HTTP into capture files under the raw dir.

One module per concept; import each name from its home:

- ``pages``: the page list (``config/pages.yaml``) read and validated into ``Page`` values;
- ``policy``: ``FetchPolicy`` (timeouts, retries, size and redirect caps, User-Agent, the hosts
  and addresses allowed) and which URLs may be fetched at all;
- ``http``: ``fetch_page`` and ``fetch_all`` with retries, backoff and Retry-After, giving a
  ``FetchOutcome``;
- ``request``: one GET, its redirects followed hop by hop and its body read up to a cap;
- ``guard``: the client's transport: one total deadline for a whole fetch, public addresses only;
- ``addresses``: which addresses are public, in every spelling of an IP;
- ``site``: the configured page's site (redirects stay on it) and URLs shown without credentials;
- ``robots``: robots.txt read once per site in a run, and honoured;
- ``retry_after``: a ``Retry-After`` header read as seconds;
- ``capture_file``: ``write_capture``, a fetched body stored under ``<raw>/fetched/YYYY/MM/DD/``;
- ``landed``: ``fetch_pages``, the configured pages fetched into the raw dir, each outcome told
  (what the fetch asset runs);
- ``sidecar``: the hidden JSON file beside each fetched capture (URL, fetch time), written and
  read back.
"""
