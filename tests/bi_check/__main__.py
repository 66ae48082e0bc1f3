"""``python -m tests.bi_check``: what ``make bi-check`` runs."""

from tests.bi_check.run import main

raise SystemExit(main())
