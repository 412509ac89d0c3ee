"""``python -m scoring.evaluate``: dev-set scores of the shipped models (``make evaluate``).

Placement on the dev sites, page language with the declared language hidden,
topical fit on held-out pairs; computed in ``scoring.training.evaluation`` and
``scoring.training.language_eval``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from scoring.training.datasets import DATA_DIR, missing_data
from scoring.training.evaluation import niche_scores, placement_scores, topical_scores
from scoring.training.language_eval import language_scores

__all__ = ["main"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA_DIR)
    args = parser.parse_args(argv)
    problem = missing_data(args.data)
    if problem:
        print(f"{parser.prog}: {problem}", file=sys.stderr)
        return 2
    for dataset, reports in placement_scores(args.data).items():
        print(f"placement, dev split of {dataset}:")
        for report in reports:
            print(f"  {report['name']:<30} macro-F1 {report['macro_f1']:.3f}")
            for label in ("editorial", "boilerplate"):
                p, r, f, n = report[label]
                print(f"    {label:<12} precision {p:.3f} recall {r:.3f} F1 {f:.3f} (n={n})")
    print("page language, declared language hidden:")
    for name, score in language_scores(args.data).items():
        confusions = ", ".join(f"{pair} x{count}" for pair, count in score["confusions"]) or "none"
        print(f"  {name:<40} {score['accuracy']:.2%} of {score['n']} (errors: {confusions})")
    for title, encoder in (("topical fit on held-out niche pages (what backlinks look like):", True),
                           ("the same pages scored as in the 14 languages the sentence encoder does not read:", False)):
        print(title)
        for relation, score in niche_scores(encoder=encoder).items():
            print(f"  {relation:<18} ROC AUC {score['auc']:.3f}  different-topic pairs >= 0.5: "
                  f"{score['different >= 0.5']:.1%}  same-topic pairs >= 0.5: {score['same >= 0.5']:.1%}  ({score['pairs']} pairs)")
    print("topical fit, ROC AUC of same- vs different-topic pairs:")
    for name, by_method in topical_scores(args.data).items():
        print(f"  {name:<34} " + "  ".join(f"{method} {auc:.3f}" for method, auc in by_method.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
