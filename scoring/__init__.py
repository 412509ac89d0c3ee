"""Judgments: placement, topical fit, localization, sitewide links."""

from scoring.localization import localized_target
from scoring.placement import Placement, judge_placement
from scoring.sitewide import sitewide_keys
from scoring.topical import topical_fit

__all__ = ["Placement", "judge_placement", "localized_target", "sitewide_keys", "topical_fit"]
