"""Reproducible speed measurements whose results the README quotes."""
