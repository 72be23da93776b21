"""Test support: failpoints for fault injection and the pytest plugin that starts real parts."""
