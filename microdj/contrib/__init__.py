"""Optional batteries, as in ``django.contrib``."""
