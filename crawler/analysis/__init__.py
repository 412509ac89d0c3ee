"""What runs in the analysis processes: the pool, the tasks, the page analysis and the judged result."""
