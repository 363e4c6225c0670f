"""Template engines: ``microdj.template.backends.jinja2.Jinja2`` is the one microdj ships."""
