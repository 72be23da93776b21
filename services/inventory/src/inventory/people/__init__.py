"""Staff, posts, replacements and the duty roster (值班表)."""
