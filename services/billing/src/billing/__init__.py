"""OpsPact billing service."""
