"""Intake by hook: platforms that report faults to us (12123 and fee platforms, generic JSON)."""
