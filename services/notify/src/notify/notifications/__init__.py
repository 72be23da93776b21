"""Notifications: one row per message to one recipient over one channel."""
