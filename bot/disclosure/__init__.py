"""Sponsored-content disclosure: signals, labels per jurisdiction, private nudges and their service."""
