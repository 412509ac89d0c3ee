"""Imported by ``hreflang``'s analysis fork server before it forks workers: no judgement models (see ``crawler.analysis.pool``)."""

from crawler.analysis.pool import preload

preload("hreflang")
