"""Escalation's domain: plain data and pure functions (calendar, policies, clocks, decisions)."""
