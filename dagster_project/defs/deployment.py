"""The settings this code location was loaded with: read once, when the definitions load.

The partitions (the history start), the dbt project (its target dir), the schedule (its cron)
and the resources' defaults all take their values from here. A build of the CLI passes its own
settings to each run's resources (``cli/runs.py``), so a run never reads the environment again.
"""

from dagster_project.settings import Settings, load_settings

DEPLOYMENT: Settings = load_settings()
