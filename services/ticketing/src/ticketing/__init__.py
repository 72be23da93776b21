"""OpsPact ticketing service."""
