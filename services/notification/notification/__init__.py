"""Notification: tells reporters, officers and supervisors what they must hear, exactly once."""
