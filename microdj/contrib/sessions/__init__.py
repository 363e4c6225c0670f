"""Sessions: ``SessionMiddleware`` puts a dict-like ``request.session`` backed by ``SESSION_ENGINE``."""
