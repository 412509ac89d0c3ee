"""FreeDict's dictionaries as ``make train`` reads them for the Finnish, Greek and Bulgarian lexicons."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

from scoring.concepts import bags
from scoring.training import freedict

ROOT = Path(__file__).resolve().parent.parent

# The dictd layout of Debian's dict-freedict-* files: a headword line with none, one or two
# pronunciations and a part of speech, a translation line (or numbered senses), a definition line.
TO_ENGLISH = """00-database-info
suomi-English FreeDict+WikDict dictionary
koiranpentu /ˈkoirɑnˌpentu/ <n>
puppy
nuori koira
tietoturva <n>
1. information security, security
tietojen suojaaminen
2. cybersecurity
verkon suojaus
"""
FROM_ENGLISH = """puppy //ˈpʌpi// /[ˈpʰɐpi]/ <n>
1. koiranpentu, penikka
young dog
2. kuutti
young seal
puppet state /pˈʌpɪt stˈeɪt/ <n>
nukkevaltio
state
"""


def test_entries_in_both_directions(tmp_path, monkeypatch):
    (tmp_path / "freedict-fin-eng.dict.dz").write_bytes(gzip.compress(TO_ENGLISH.encode()))
    (tmp_path / "freedict-eng-fin.dict.dz").write_bytes(gzip.compress(FROM_ENGLISH.encode()))
    found = freedict.translations("fi", tmp_path)
    # Headword lines are recognised whatever their pronunciations; definitions are never translations.
    assert found["koiranpentu"] == ["puppy", "puppy"]
    assert found["tietoturva"] == ["information security", "security", "cybersecurity"]
    assert found["penikka"] == ["puppy"] and found["kuutti"] == ["puppy"] and found["nukkevaltio"] == ["puppet state"]
    assert "nuori koira" not in found and "young dog" not in str(found)
    assert freedict.translations("fi", tmp_path / "missing") == {}  # built without them: Wiktionary's tables alone
    assert freedict.translations("sv", tmp_path) == {}


def test_the_makefile_installs_the_dictionaries_training_reads():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    listed = re.search(r"^FREEDICT_PACKAGES = (.+)$", makefile, re.M).group(1).split()
    assert sorted(listed) == freedict.PACKAGES


def test_the_shipped_lexicons_know_words_only_freedict_translates():
    # Finnish and Greek words of the niche pages that Wiktionary's tables left without a concept (#25).
    for word, language, english in (("varmuuskopiot", "fi", "backup"), ("τρίποδο", "el", "tripod"),
                                    ("πορτρέτο", "el", "portrait")):
        assert set(bags(word, language)[1].tolist()) & set(bags(english, "en")[1].tolist()), word
