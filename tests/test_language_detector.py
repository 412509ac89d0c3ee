"""``extract.language`` prepares langdetect's text its own, faster way; the answer must be
langdetect's own, probabilities and all, in every language and on odd text."""

import random

from langdetect import LangDetectException

from extract.language import TRIALS, _candidates, _sample, load_detector
from scoring.training.eval_sample import SAMPLE_DIR
from scoring.training.topic_pairs import sib200_pages


def _langdetect(sample: str):
    detector = load_detector().create()
    detector.n_trial = TRIALS
    detector.append(sample)
    return detector.get_probabilities()


def _answer(detect, text: str):
    try:
        return [(c.lang, c.prob) for c in detect(_sample(text))]
    except LangDetectException as error:
        return str(error)


def _odd_texts() -> list[str]:
    rng = random.Random(0)
    texts = ["", " ", "A", "AB CD ef", "x  y   z", "  lead", "ALL CAPS WORDS and lower", "Ș ș Ț ț ی ک",
             "\u1ea0\u1ea1 Việt Nam", "ㄅㄆㄇ ひらがな カタカナ 漢字 한국어", "see https://example.com/a?b=c or mail a.b@example.org"]
    texts += ["".join(chr(rng.randrange(32, 0x3100)) for _ in range(rng.randrange(1, 300))) for _ in range(200)]
    return texts


def test_the_same_answer_as_langdetect_in_30_languages():
    pages = sib200_pages(SAMPLE_DIR, "dev")[:1200]
    assert len({page.language for page in pages}) == 30
    for page in pages:
        assert _answer(_candidates, page.text) == _answer(_langdetect, page.text), page.language


def test_the_same_answer_as_langdetect_on_odd_text():
    for text in _odd_texts():
        assert _answer(_candidates, text) == _answer(_langdetect, text), repr(text)


def test_a_page_mixing_languages_is_read_where_most_of_its_text_is():
    """A German article quoting an English source at length in its middle is German: the
    sample is spread over the whole text, not one window that falls on the quotation."""
    from extract.language import detect_language

    german = ("Die Sicherheitsforscher haben eine neue Schwachstelle in weit verbreiteter Software entdeckt, "
              "die Angreifer bereits ausnutzen, bevor der Hersteller einen Patch veröffentlichen konnte. ") * 14
    english = ("The vulnerability allows remote attackers to execute arbitrary code on affected systems "
               "without any user interaction, the advisory says. ") * 12
    text = german + english + german
    assert len(english) > 1500 and 2 * len(german) > 2 * len(english)
    assert detect_language(text)[0] == "de"
    # The same holds the other way round: most of the text decides.
    assert detect_language(english + german[: len(german) // 3] + english + english)[0] == "en"


def test_chinese_korean_and_japanese_are_told_by_their_script():
    """langdetect's Korean profile is full of Han characters: Traditional Chinese came out Korean (131 of 200
    SIB-200 pages in zho_Hant). Hangul is Korean's script and kana Japanese's: where the letters contradict the
    call, they decide; Korean and Japanese text keep their language."""
    from extract.language import detect_language, language_evidence

    chinese = ("資安研究人員發現一個尚未修補的零時差漏洞，攻擊者已經開始利用它入侵企業網路。廠商表示將在下週釋出更新，"
               "在此之前建議管理者關閉受影響的服務，並密切監控系統紀錄與異常連線。專家提醒，定期備份與分層防護仍是降低風險的關鍵。")
    korean = ("보안 연구원들이 아직 패치되지 않은 제로데이 취약점을 발견했으며 공격자들은 이미 이를 악용해 기업 네트워크에 "
              "침입하고 있다. 제조사는 다음 주에 업데이트를 배포할 예정이며 그 전까지 관리자들은 영향을 받는 서비스를 중단해야 한다.")
    japanese = ("セキュリティ研究者は、まだ修正されていないゼロデイ脆弱性を発見し、攻撃者はすでにそれを悪用して企業のネットワークに"
                "侵入している。ベンダーは来週更新を公開する予定で、それまで管理者は影響を受けるサービスを停止するよう求められている。")
    assert _answer(_langdetect, chinese)[0][0] == "ko"  # langdetect's own call, which the script overrules
    for text in (chinese, chinese + " 김정은 위원장", chinese * 3):
        assert detect_language(text) == ("zh", "content") and language_evidence(text)[0] == "zh"
    assert detect_language(korean) == ("ko", "content") and language_evidence(korean)[0] == "ko"
    assert detect_language(japanese) == ("ja", "content") and language_evidence(japanese)[0] == "ja"


def test_traditional_and_simplified_chinese_are_told_apart():
    from extract.chinese_script import chinese_script

    assert chinese_script("資安研究人員發現一個尚未修補的零時差漏洞，攻擊者已經開始利用它入侵企業網路。") == "Hant"
    assert chinese_script("安全研究人员发现一个尚未修补的零日漏洞，攻击者已经开始利用它入侵企业网络。") == "Hans"
    assert chinese_script("The report, 2026.") is None and chinese_script("中文") is None  # nothing to tell by


def test_the_chinese_script_tables_are_what_the_data_gives():
    """``extract.chinese_script``'s tables are rebuilt from SIB-200 by ``scoring.training.chinese_script``."""
    import pytest

    from extract import chinese_script
    from scoring.training.chinese_script import derive_tables
    from scoring.training.datasets import DATA_DIR

    if not (DATA_DIR / "topics" / "sib200" / "zho_Hant" / "train.tsv").is_file():
        pytest.skip("needs ../shared/data (SIB-200's zho_Hans and zho_Hant)")
    assert derive_tables(DATA_DIR) == (chinese_script.TRADITIONAL, chinese_script.SIMPLIFIED)
