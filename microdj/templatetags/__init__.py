"""Functions for templates, at Django's import paths (``microdj.templatetags.static.static``)."""
