"""Storage: the SQLite schema and every SQL statement (the run database, the list's spool); the JSONL/CSV/JSON/XLSX writers."""
