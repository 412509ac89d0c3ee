"""Building and measuring the shipped models; never imported while verifying.

The full data comes from ``LINKVERIFIER_DATA`` (default ``../shared/data``):
- ``datasets``: where the data is, and the labelled placement pages;
- ``samples``: the link samples of a page, as the placement model sees them;
- ``train``: ``make train`` (``python -m scoring.training.train``): placement, then topical fit;
- ``topical_model``: the topical-fit model (with ``concept_lexicon`` and ``concept_graph``);
- ``topic_pairs``: same- and different-topic pairs (SIB-200, MasakhaNEWS, the niche pages);
- ``evaluation``, ``language_eval``: the held-out scores ``python -m scoring.evaluate`` prints;
- ``eval_sample``: cuts the compact evaluation sample in ``tests/data``.
"""
