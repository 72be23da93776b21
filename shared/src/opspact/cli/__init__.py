"""The `opspact` command line."""
