"""Curator: offline evidence curation with quote-anchored claims."""

__version__ = "0.1.0"
