"""Channel layers: ``get_channel_layer()`` and the backends named by ``CHANNEL_LAYERS``."""
