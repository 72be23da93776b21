"""OpsPact API gateway: the only public entry."""
