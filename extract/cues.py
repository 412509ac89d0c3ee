"""Words that make a link the site's own furniture whatever markup holds it.

A template names most boilerplate with its classes (``extract.regions``); some is
written into the article by hand or by a plugin with no class to go by, and only
its words say what it is: a line asking the reader to follow or subscribe, a link
to the post's comments, an affiliate disclosure. Each cue was checked against the
labelled sets (counts beside each pattern) and caps the link's ``editorial_score``
(``scoring.placement.capped_placement``), naming the region a user would give as
the reason: ``share_follow`` or ``post_meta``.
"""

from __future__ import annotations

import re

from lxml import html

from extract.document import nearest_block

__all__ = ["line_cue", "comment_link"]

_LINE_CHARS = 300  # a longer block is prose that may mention following or commissions, not a cue's line
_FOLLOW_CHARS = 200

# A line asking the reader to follow, like, join or subscribe, in the 30 market languages: "Follow us on
# Facebook", "Abonnez-vous à notre newsletter", "Folgen Sie uns auf Instagram". Written into article bodies
# by hand, so no class names it (the "follow us on Facebook lines" at 0.84): of the 236 links on such
# lines on the placement sets' training sites, 233 are labelled boilerplate.
_FOLLOW = re.compile("|".join([
    r"\b(follow|like) us\b", r"\bjoin us on\b", r"\bjoin our\b", r"\bsubscribe to (our|the)\b", r"\bsign up for (our|the)\b",
    r"folgen sie uns", r"folge uns", r"abonnieren sie", r"suivez[- ]nous", r"abonnez-vous", r"síguenos", r"suscríbete",
    r"seguici", r"iscriviti", r"siga-nos", r"segue-nos", r"obserwuj nas", r"подписывайтесь", r"подпишитесь", r"följ oss",
    r"volg ons", r"følg os", r"følg oss", r"seuraa meitä", r"sledujte nás", r"kövess(en)? minket", r"urmăriți-ne",
    r"ακολουθήστε μας", r"bizi takip edin", r"ikuti kami", r"theo dõi chúng tôi", r"フォローして", r"关注我们", r"關注我們", r"(追蹤|追踪)我(們|们)", r"팔로우",
    r"تابعونا", r"עקבו אחרינו", r"слідкуйте", r"последвайте ни",
]), re.IGNORECASE)


# An affiliate or advertising disclosure, in English, German, French, Spanish and Italian ("This post contains
# affiliate links. Read our disclosure", "We may earn a commission", "As an Amazon Associate…", "Die … Links sind
# Affiliate-Links"): the site's notice, its link to the policy page never editorial. The 32 links on such lines in the labelled sets are all labelled
# boilerplate; the model called 11 of them editorial (0.53-0.96), 5 of those on held-out pages.
_DISCLOSURE = re.compile("|".join([
    r"\b(we|i)( may| might| will| could)? (earn|receive|get|make)( a| an)?( small| little)? "
    r"(commission|compensation|affiliate commission|money)",
    r"\b(this|the|our|some|these)( \w+)? (post|posts|article|articles|page|site|story|stories|links?|review|newsletters?)"
    r"( \w+)? (may |might |can )?(contains?|includes?|uses?|has|have|are) (an? )?(affiliate|paid|sponsored|partner)[ -]links?",
    r"as an amazon associate", r"earn from qualifying purchases", r"\baffiliate[ -]links?\b.{0,80}\b(we|i|us|our)\b",
    r"\b(sind|enthält|enthalten) (\w+ )?(affiliate|partner|provisions|werbe)-?links", r"liens? (d.)?affiliation",
    r"liens? affiliés", r"enlaces? (de )?afiliad", r"link di affiliazione", r"link affiliati",
]), re.IGNORECASE)


# A link that counts or opens a post's comments ("12 Comments", "Comments (5)", "View comments", "Leave a
# comment", "7 Kommentare", "Kommentieren"), in the 30 market languages: the post's meta, whatever markup holds it
# (the "view comments" at 0.61 editorial). Only the whole anchor counts: "comments" inside prose or a
# headline about comments is not one. Of the 257 such links in the sets people labelled (Mozilla, fundus,
# GoogleTrends, CleanEval) 246 are boilerplate; the others are LWN's "Comments (5 posted)", which readability
# keeps, and 8 "N comments" on CleanEval pages.
_COMMENT_WORDS = (r"comments?|kommentare?|commentaires?|comentarios?|comentários?|commenti|commento|komentarz[ey]?|"
                  r"komentarzy|reacties?|kommentarer?|kommenttia?|kommentit|komentářů|komentáře?|hozzászólás(ok)?|"
                  r"comentari[iu]|σχόλι[αο]|yorum(lar)?|komentar|bình luận|コメント|评论|評論|댓글|تعليق(ات)?|תגובו?ת|"
                  r"תגובה|коментар(і|ів|и)?|комментари(й|и|ев)")
_COMMENT_VERBS = (r"view|show|read|see|leave|add|post|write|load|open|jump to|go to|alle|laisser|voir|afficher|"
                  r"ajouter|deja|dejar|ver|añadir|lascia|leggi|mostra|zostaw|dodaj|pokaż|zobacz|deixe|mostrar")
_COMMENT_LINK = re.compile(
    rf"^\W*(\d[\d.,]*\s*({_COMMENT_WORDS})\b.{{0,40}}"  # "12 Comments", "11Comments. Click to view comments"
    rf"|({_COMMENT_WORDS})\s*[(\[:]?\s*(\d[\d.,]*|none|no)\s*(posted)?\s*[)\]]?"  # "Comments (5)", "comments: none"
    rf"|({_COMMENT_VERBS})\s+(a|an|un|una|all|the|les|los|i|\d+)?\s*({_COMMENT_WORDS})(\s*[(\[]?\s*\d[\d.,]*\s*[)\]]?)?"
    rf"|no comments|be the first to comment|kommentar schreiben|(jetzt )?kommentieren|commenter|comentar|commenta|"
    rf"skomentuj|komentuj)\W*$",
    re.IGNORECASE)


# A line that is a cue, a separator and one headline link ("Read also: <headline>", "Lesen Sie auch: …", "Les også:
# …"), in the 30 market languages: the site's teaser for its own story written into the article (the issue's
# "read also" lines). Only when the link is the whole rest of the line: "see also the report by …" in prose is not
# one. Of the 84 such links in the labelled sets, 54 are boilerplate: 11 of the 13 the people who labelled link by
# link marked on held-out pages (Mozilla, GoogleTrends, fundus's Nettavisen), 13 of 21 on fundus's training sites,
# 30 of 49 on WCEB's (its drafts count a headline editorial when its words recur in the text: 13 of its 17 held out).
# Chinese, Japanese and Korean write the separator full-width or as a closing bracket ("延伸閱讀：", "【関連記事】").
_READ_ALSO = re.compile(r"^\W*(" + "|".join([
    r"(read|see) (also|more)", r"also (read|see)", r"related( articles?| stories| posts?| reading| content| coverage)?",
    r"more on this( story| topic)?", r"recommended( reading| for you)?", r"(you )?(may|might) also like",
    r"lesen sie (auch|mehr|hier)", r"mehr zum thema", r"auch interessant", r"das könnte sie (auch )?interessieren",
    r"weiterlesen", r"(à )?lire aussi", r"voir aussi", r"sur le même sujet", r"lee (también|más)",
    r"te puede interesar", r"le puede interesar", r"leggi anche", r"potrebbe interessarti",
    r"czytaj (też|także|również|więcej)", r"zobacz (też|także|również)", r"читайте (также|еще|ещё|по теме)",
    r"смотрите также", r"läs (också|även|mer)", r"lees (ook|meer)", r"leia (também|mais)", r"veja (também|mais)",
    r"saiba mais", r"se (også|mere)", r"les (også|mer)", r"lue (myös|lisää)", r"čtěte (také|též|více)",
    r"přečtěte si (také|též)", r"olvassa el", r"citește (și|mai mult)", r"διαβάστε (επίσης|ακόμα|ακόμη)",
    r"ayrıca (okuyun|bakınız)", r"ilgili (haber|haberler)", r"baca juga", r"đọc thêm", r"xem thêm",
    r"関連記事", r"(あわせて|合わせて)読みたい", r"こちらもおすすめ", r"(相关|相關|延伸|推荐|推薦)(阅读|閱讀)", r"(相关|相關)(新闻|新聞)",
    r"관련 ?기사", r"함께 (볼|읽을) (만한|기사)", r"اقرأ أيضا", r"קראו גם", r"читайте також", r"още по темата",
    r"यह भी पढ़ें",
]) + r")\s*[:|»›>–—\-：】」〉》]+\s*(?P<rest>.+)$", re.IGNORECASE)
_TRIM = " .»›…\u00a0"


def _line_text(element: html.HtmlElement, limit: int = _LINE_CHARS) -> str | None:
    """The text of the link's line (its nearest block, as the placement features read it), or None when it
    is longer than ``limit`` characters: then it is prose, and the cues do not apply."""
    block = nearest_block(element)
    if block is None:
        return None
    pieces, length = [], 0
    for piece in block.itertext():  # stops early: a link inside a page-wide <div> costs 600 characters, not the page
        length += len(piece)
        if length > 2 * limit:
            return None
        pieces.append(piece)
    text = " ".join("".join(pieces).split())
    return text if len(text) <= limit else None


def comment_link(anchor_text: str) -> bool:
    """Whether a link's whole anchor counts or opens the post's comments ("12 Comments", "View comments")."""
    return len(anchor_text) <= 80 and bool(_COMMENT_LINK.match(" ".join(anchor_text.split())))


def line_cue(element: html.HtmlElement, anchor_text: str) -> str | None:
    """The region a cue names for the link, or None: ``share_follow`` on a follow-us line of at most 200
    characters, ``post_meta`` on a disclosure line of at most 300 or for a link to the comments, ``teaser_list``
    for the headline of a "Read also:" line."""
    text = _line_text(element)
    if text is not None:
        if len(text) <= _FOLLOW_CHARS and _FOLLOW.search(text):
            return "share_follow"
        if _DISCLOSURE.search(text):
            return "post_meta"
        if read_also := _READ_ALSO.match(text):
            if read_also["rest"].strip(_TRIM) == " ".join(anchor_text.split()).strip(_TRIM):
                return "teaser_list"
    return "post_meta" if comment_link(anchor_text) else None
