"""Routing: gets every report to the government body that can act on it (no wrong door)."""
