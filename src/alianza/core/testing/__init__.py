"""Test support shared by every app: the pytest environment plugin, fixtures and the
isolation registry. Not imported by production code."""
