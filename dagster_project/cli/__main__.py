"""``python -m dagster_project.cli``: the same as ``market-snapshots``."""

import sys

from dagster_project.cli.main import main

sys.exit(main())
