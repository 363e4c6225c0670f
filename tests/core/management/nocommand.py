"""A module without a Command class."""
