"""Escalation: working-day deadlines, reminders, tiered escalation and warnings against agencies."""
