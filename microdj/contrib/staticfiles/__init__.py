"""Static files, as ``django.contrib.staticfiles``: finders over ``STATICFILES_DIRS``, storages (with a
manifest of content-hashed names), ``collectstatic()`` and an ASGI handler serving them."""
