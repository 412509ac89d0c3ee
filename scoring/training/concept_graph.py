"""What each WordNet concept is about: the sparse profiles behind ``scoring.topic_model``.

A concept found in a page counts not only as itself but as what WordNet 3.0
says around it, so two pages that name different things of one subject still
meet ("sourdough" and "croissant" both lead to bread and baking; "puppy" to
dog):
- the concept itself (1.0), its hypernyms (0.5) and theirs (0.25);
- its topic domain (0.7; half that through a hypernym), derivations and
  similar forms (0.5: "bake", "baker", "bakery"), parts and wholes (0.3);
- the rare words of its definition (0.6 times their rarity, over 4).

Read from Princeton WordNet 3.0's database files (Debian's ``wordnet-base``:
``/usr/share/wordnet``, or ``LINKVERIFIER_WORDNET``), whose synset offsets are
the ids Open Multilingual Wordnet uses. WordNet licence: see
``scoring/models/concepts/README.md``.
"""

from __future__ import annotations

import os
import re
from collections import defaultdict
from pathlib import Path

from scoring.concepts import lexicon, normalise

__all__ = ["WORDNET_DIR", "read_wordnet", "profiles", "WEIGHTS"]

WORDNET_DIR = Path(os.environ.get("LINKVERIFIER_WORDNET", "/usr/share/wordnet"))
WEIGHTS = {"hypernym": 0.5, "hypernym2": 0.25, "domain": 0.7, "derived": 0.5, "part": 0.3, "gloss": 0.6}
_FILES = {"noun": "n", "verb": "v", "adj": "a", "adv": "r"}
_POS = {"n": 0, "v": 1, "a": 2, "s": 2, "r": 3}
_HYPERNYM = {"@", "@i"}
_DERIVED = {"+", "&", "\\", "^"}
_PART = {"#m", "#p", "%m", "%p"}


def synset_id(offset: str, pos: str) -> int:
    """The integer id ``scoring.training.concept_lexicon`` gives a synset: offset * 4 + part of speech."""
    return int(offset) * 4 + _POS[pos]


def read_wordnet(directory: Path = WORDNET_DIR) -> dict[int, dict]:
    """synset id -> {"words": English lemmas, "pointers": [(symbol, synset id)], "gloss": definition}."""
    synsets: dict[int, dict] = {}
    for name in _FILES:
        with (directory / f"data.{name}").open(encoding="latin-1") as handle:
            for line in handle:
                if line.startswith("  "):  # the licence header
                    continue
                head, _, gloss = line.partition(" | ")
                fields = head.split()
                count = int(fields[3], 16)
                words = [fields[4 + 2 * i].replace("_", " ") for i in range(count)]
                at = 4 + 2 * count
                pointers = []
                for _ in range(int(fields[at])):
                    symbol, offset, pos = fields[at + 1 : at + 4]
                    pointers.append((symbol, synset_id(offset, pos)))
                    at += 4
                definition = gloss.split(";")[0].split('"')[0].strip()
                synsets[synset_id(fields[0], fields[2])] = {"words": words, "pointers": pointers, "gloss": definition}
    return synsets


def profiles(synsets: dict[int, dict]) -> dict[int, dict[object, float]]:
    """synset id -> {feature: weight}; a feature is a synset id or ``"g:" + stem`` of a definition word."""
    english = lexicon("en")

    def hypernyms(synset: int) -> list[int]:
        return [target for symbol, target in synsets.get(synset, {}).get("pointers", ()) if symbol in _HYPERNYM]

    out: dict[int, dict[object, float]] = {}
    for synset, info in synsets.items():
        profile: dict[object, float] = defaultdict(float)
        profile[synset] += 1.0
        for parent in hypernyms(synset):
            profile[parent] += WEIGHTS["hypernym"]
            for grandparent in hypernyms(parent):
                profile[grandparent] += WEIGHTS["hypernym2"]
            for symbol, target in synsets.get(parent, {}).get("pointers", ()):
                if symbol == ";c":
                    profile[target] += WEIGHTS["domain"] / 2
        for symbol, target in info["pointers"]:
            if symbol == ";c":
                profile[target] += WEIGHTS["domain"]
            elif symbol in _DERIVED:
                profile[target] += WEIGHTS["derived"]
            elif symbol in _PART:
                profile[target] += WEIGHTS["part"]
        for word in re.findall(r"\w+", info["gloss"]):
            key = normalise("en", word)
            rarity = english.weight(key) if english is not None else 1.0
            if rarity > 0:
                profile["g:" + key] += WEIGHTS["gloss"] * rarity / 4
        out[synset] = dict(profile)
    return out
