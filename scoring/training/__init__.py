"""Building the shipped models from the data in ``LINKVERIFIER_DATA`` (default ``../shared/data``)."""
