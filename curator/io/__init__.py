"""Importers and exporters. Never imports Qt (tests/test_layering.py)."""
