"""OpsPact inventory service."""
