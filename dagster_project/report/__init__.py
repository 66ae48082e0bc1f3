"""The day report (HTML) and the terminal summaries, read from the published warehouse."""
