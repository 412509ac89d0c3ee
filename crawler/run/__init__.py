"""A run, from the command line to its last line on stderr: ``crawl`` turns options into settings and a
CrawlerProcess (``referrers`` does the same for the referrers command), ``lifecycle`` owns the run in the
database and its output, ``interrupts`` answers Ctrl-C and SIGTERM, ``watchdog`` ends a stalled crawl,
``progress`` says how far it is, ``throttle`` slows down for hosts that answer 404s."""
