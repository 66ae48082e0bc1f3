"""The day report: an HTML page of the latest market date, written beside the warehouse."""
