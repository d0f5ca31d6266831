"""Analytics: read models and statistics built from the report event log."""
