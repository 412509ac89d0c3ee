"""Downloader middlewares of linkverifier."""
