"""microdj's own commands, one module each."""
