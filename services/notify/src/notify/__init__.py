"""OpsPact notify service."""
