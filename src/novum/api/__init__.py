"""The REST API (``/api/v1``) and the application that also serves the web pages: ``create_app``."""
