"""Session storage backends; each module defines a ``SessionStore`` subclass of ``base.SessionBase``."""
