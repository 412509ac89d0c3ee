"""The character tables of ``extract.chinese_script``, from SIB-200's parallel Chinese text.

SIB-200 gives the same sentences in Simplified (``zho_Hans``) and Traditional (``zho_Hant``) Chinese. A
character seen at least ``MIN_COUNT`` times in one train split and never in the other is written in that
script only; the ``TABLE_SIZE`` commonest of each side are the tables. ``python -m
scoring.training.chinese_script`` prints them as ``extract/chinese_script.py`` holds them.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path

from scoring.training.datasets import DATA_DIR, read_sib200

__all__ = ["derive_tables"]

MIN_COUNT = 3
TABLE_SIZE = 300
_HAN = re.compile(r"[\u4e00-\u9fff]")


def _characters(data_dir: Path, language: str, split: str = "train") -> Counter:
    return Counter(ch for _topic, text in read_sib200(data_dir, language, split).values() for ch in _HAN.findall(text))


def derive_tables(data_dir: Path = DATA_DIR) -> tuple[str, str]:
    """``(traditional only, simplified only)``, commonest first."""
    simplified, traditional = _characters(data_dir, "zh"), _characters(data_dir, "zh-Hant")

    def only(mine: Counter, other: Counter) -> str:
        return "".join([ch for ch, n in mine.most_common() if n >= MIN_COUNT and not other[ch]][:TABLE_SIZE])

    return only(traditional, simplified), only(simplified, traditional)


if __name__ == "__main__":
    traditional_only, simplified_only = derive_tables(Path(sys.argv[1]) if len(sys.argv) > 1 else DATA_DIR)
    print(f'TRADITIONAL = "{traditional_only}"\nSIMPLIFIED = "{simplified_only}"')
