"""Spiders of linkverifier."""
