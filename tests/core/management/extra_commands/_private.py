"""Not a command: the name starts with an underscore."""
