"""OpsPact web console: server-rendered pages for people, a backend-for-frontend of the gateway."""
