"""The labelled pages become samples link by link: a link repeated on a page keeps its own label."""

from __future__ import annotations

from pathlib import Path

from scoring.training.datasets import LabelledPage, _labels
from scoring.training.samples import page_samples

TEXT = ("New Zealand is an island country in the south-western Pacific Ocean. It consists of two main landmasses "
        "and more than 700 smaller islands. ") * 4
PAGE = f"""<html><body>
<div class="navbox"><ul>
  <li><a href="/wiki/Treaty_of_Waitangi">Treaty of Waitangi</a></li><li><a href="/wiki/Maori">Maori</a></li>
  <li><a href="/wiki/Wellington">Wellington</a></li>
</ul></div>
<article><h1>New Zealand</h1><p>{TEXT}</p>
<p>The <a href="/wiki/Treaty_of_Waitangi">Treaty of Waitangi</a> was signed in 1840. {TEXT}</p>
<noscript><a href="/wiki/Treaty_of_Waitangi">Treaty of Waitangi</a></noscript>
</article></body></html>"""


def test_a_repeated_link_takes_the_label_of_its_own_occurrence(tmp_path: Path):
    tsv = tmp_path / "links.tsv"
    # As the data sets' converters write them: one row per link of the body, in document order
    # (the <noscript> copy is not read by them, so it has no row).
    tsv.write_text(
        "page\thref\tanchor\tlabel_contextual\tlabel_naive\n"
        "p1\t/wiki/Treaty_of_Waitangi\ttreaty of waitangi\tboilerplate\teditorial\n"
        "p1\t/wiki/Maori\tmaori\tboilerplate\tboilerplate\n"
        "p1\t/wiki/Wellington\twellington\tboilerplate\tboilerplate\n"
        "p1\t/wiki/Treaty_of_Waitangi\ttreaty of waitangi\teditorial\teditorial\n",
        encoding="utf-8")
    labels = _labels(tsv, "label_contextual")["p1"]
    assert labels[("/wiki/Treaty_of_Waitangi", "treaty of waitangi")] == ["boilerplate", "editorial"]
    page = LabelledPage("mozilla", "p1", "example.org", "https://en.example.org/wiki/New_Zealand", PAGE.encode(), labels)
    treaty = [s for s in page_samples(page) if s.anchor == "Treaty of Waitangi"]
    # The navigation box's link is boilerplate, the article's editorial; the <noscript> copy has no label.
    assert [s.label for s in treaty] == [0, 1]
    assert [s.region for s in treaty] == ["other", "content"]
