"""The routers: thin layers that call the services and shape their answers."""

__all__: list[str] = []
