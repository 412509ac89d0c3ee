"""Imported by ``verify``'s and ``discover``'s analysis fork server before it forks workers (see ``crawler.analysis.pool``)."""

from crawler.analysis.pool import preload

preload("judge")
