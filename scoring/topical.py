"""How close the source page's topic is to the target page's (0..1).

A TF-IDF cosine over character n-grams (3 to 5, within word boundaries):
character n-grams match inflected forms, compounds, names and numbers, which
word TF-IDF misses, and they carry some signal across related languages
(cognates, shared technical terms such as "Zero-Day", "exploit").
"""

from __future__ import annotations

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics.pairwise import cosine_similarity

__all__ = ["topical_fit"]

# Longer texts add cost but no accuracy to a topic comparison.
MAX_CHARS = 20000


def topical_fit(source_text: str, target_text: str) -> float | None:
    if not source_text.strip() or not target_text.strip():
        return None
    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, lowercase=True)
    try:
        matrix = vectorizer.fit_transform([source_text[:MAX_CHARS], target_text[:MAX_CHARS]])
    except ValueError:  # no n-grams at all
        return None
    return round(float(cosine_similarity(matrix[0], matrix[1])[0, 0]), 3)
