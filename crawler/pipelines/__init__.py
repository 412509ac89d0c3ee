"""Item pipelines of linkverifier: results a spider yields as items go to the run (``crawler.run.lifecycle``)."""
