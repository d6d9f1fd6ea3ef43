"""`vigie serve`: the web service."""
