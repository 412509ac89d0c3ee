"""Storage: the SQLite schema and every SQL statement; the JSONL/CSV/JSON/XLSX writers."""
