"""Security checks: ``security.W0xx`` deployment warnings and ``security.E1xx`` errors, with Django's ids."""
