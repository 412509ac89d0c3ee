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
from scoring.training.evaluation import (
    niche_scores,
    placement_evaluation,
    script_variant_scores,
    topical_scores,
    within_language_scores,
)
from scoring.training.language_eval import language_scores
from scoring.training.topic_pairs import ENCODER_NICHE_LANGUAGES, UNREAD_NICHE_LANGUAGES

__all__ = ["main"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA_DIR)
    args = parser.parse_args(argv)
    problem = missing_data(args.data)
    if problem:
        print(f"{parser.prog}: {problem}", file=sys.stderr)
        return 2
    reports, reliability = placement_evaluation(args.data)
    print("placement on held-out pages (dev sites never trained or tuned on; googletrends and cleaneval never trained on),"
          " macro-F1:")
    print(f"  {'links':<26} {'n':>7} {'editorial':>9}  {'model':>6}  {'main text only':>14}  {'model - main':>12}  "
          f"{'rule':>6}  {'region rule':>11}   each page weighing the same: {'model':>6} {'main text only':>14}")
    for group, (model, main_only, rule, region_rule) in reports.items():
        n = model["editorial"][3] + model["boilerplate"][3]
        print(f"  {group:<26} {n:>7} {model['editorial'][3]:>9}  {model['macro_f1']:>6.3f}  {main_only['macro_f1']:>14.3f}  "
              f"{model['macro_f1'] - main_only['macro_f1']:>+12.3f}  {rule['macro_f1']:>6.3f}  {region_rule['macro_f1']:>11.3f}"
              f"   {'':>28} {model['macro_f1_pages']:>6.3f} {main_only['macro_f1_pages']:>14.3f}")
    print("  per class, model (trafilatura main text only):")
    for group, (model, main_only, *_rest) in reports.items():
        if group.startswith(("language ", "page type ")):
            continue
        for label in ("editorial", "boilerplate"):
            p, r, f, n = model[label]
            p0, r0, f0, _ = main_only[label]
            print(f"    {group:<14} {label:<12} precision {p:.3f} ({p0:.3f}) recall {r:.3f} ({r0:.3f}) F1 {f:.3f} ({f0:.3f}) n={n}")
    print("  editorial_score against the labels (held-out links): " + ", ".join(
        f"{low:.1f}-{high:.1f}: {share:.0%} editorial of {n}" for low, high, n, share in reliability if n))
    print("page language, declared language hidden:")
    for name, score in language_scores(args.data).items():
        confusions = ", ".join(f"{pair} x{count}" for pair, count in score["confusions"]) or "none"
        print(f"  {name:<40} {score['accuracy']:.2%} of {score['n']} (errors: {confusions})")
    evaluations = (
        ("topical fit on held-out niche pages in the sentence encoder's languages (what backlinks look like):", {}),
        ("Ukrainian, which the encoder reads through its English gloss, within and against those five:",
         {"languages": ("uk",), "against": ENCODER_NICHE_LANGUAGES}),
        ("in six languages the encoder does not read (sv fi cs hu vi el), within, across and against English"
         " (it reads them through their English glosses; two of two languages at half weight):",
         {"languages": UNREAD_NICHE_LANGUAGES, "against": ("en",)}),
        ("the encoder's languages scored as if it did not read them:", {"encoder": False}),
    )
    for title, options in evaluations:
        print(title)
        for relation, score in niche_scores(**options).items():
            print(f"  {relation:<18} ROC AUC {score['auc']:.3f}  different-topic pairs >= 0.5: "
                  f"{score['different >= 0.5']:.1%} (>= 0.9: {score['different >= 0.9']})  same-topic pairs >= 0.5: "
                  f"{score['same >= 0.5']:.1%}  ({score['pairs']} pairs)")
    print("topical fit, ROC AUC of same- vs different-topic pairs:")
    for name, by_method in topical_scores(args.data).items():
        print(f"  {name:<34} " + "  ".join(f"{method} {auc:.3f}" for method, auc in by_method.items()))
    print("  within each language, SIB-200 dev pages (ROC AUC / different-topic pairs >= 0.5):")
    scores = list(within_language_scores(args.data).items())
    for start in range(0, len(scores), 6):
        print("    " + "  ".join(f"{language} {score['auc']:.2f} / {score['different >= 0.5']:4.0%}"
                                 for language, score in scores[start : start + 6]))
    print("  Traditional Chinese (zh-TW, zh-HK) on the same pairs as Simplified (ROC AUC / different-topic pairs >= 0.5"
          " / same-topic pairs >= 0.5):")
    for pair, score in script_variant_scores(args.data).items():
        print(f"    {pair:<20} {score['auc']:.3f} / {score['different >= 0.5']:4.1%} / {score['same >= 0.5']:4.1%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
