"""warroom: open-source incident command."""

__version__ = "0.1.0"
