"""The routers: thin layers that call the services and shape their answers."""
