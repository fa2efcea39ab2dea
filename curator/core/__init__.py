"""Domain, storage and services. Never imports Qt (tests/test_layering.py)."""
