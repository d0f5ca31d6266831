"""Intake: the front door of the LAPOR platform and the single writer of every report's log."""
