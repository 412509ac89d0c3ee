"""Item pipelines of linkverifier: the store, then the output."""
