"""Repeat complaints (第N次): the same unit, the same category AND the same matter.

A leaking ceiling weeks after a power cut is two matters, though both are "repairs": only the
second of two complaints about the same problem is a repeat, linked to the first of its series and
escalated to the manager. The matter is compared on its words (place, subject and content); the
receiver can confirm or deny what the words suggest, and their answer wins."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

from core.complaints.model import Category, Stage
from core.errors import ValidationError

REPEAT_WINDOW = timedelta(days=90)
SIMILAR_FROM = 0.4   # share of the shorter matter's word pairs found in the other

# Word pairs that say nothing about the matter ("还是", "没人"): common to complaints of every kind.
_FILLER = frozenset("""还是 已经 没有 没人 一直 今天 昨天 晚上 早上 上午 下午 现在 我们 你们 他们 我家 家里 这个
那个 一个 什么 怎么 不是 就是 可以 希望 问题 处理 物业 小区 业主 时候 几天 三天 两天 天了 好几 多次 反映 投诉
说是 还没 没来 来修 到现 在没 请尽 尽快 麻烦 谢谢""".split())
_RUNS = re.compile(r"[\u3400-\u9fff]+|[a-z0-9]+")


def matter_text(place: str, subject: str, content: str) -> str:
    """What a complaint is about, as one text: where, about whom, and what happened."""
    return " ".join(p for p in (place, subject, content) if p)


def word_pairs(text: str) -> frozenset[str]:
    """Overlapping pairs of Chinese characters (Chinese has no spaces to split words on), and
    whole Latin words or numbers ('B2', '1906'), without the filler pairs."""
    normal = unicodedata.normalize("NFKC", text or "").lower()
    pairs: set[str] = set()
    for run in _RUNS.findall(normal):
        if run.isascii():
            pairs.add(run)
        elif len(run) == 1:
            pairs.add(run)
        else:
            pairs.update(run[i:i + 2] for i in range(len(run) - 1))
    return frozenset(pairs - _FILLER)


def similarity(a: str, b: str) -> float:
    """0..1: the share of the shorter text's pairs that the other has too. The shorter one counts
    because a repeat is often brief ("还是漏水") while the first complaint told the whole story."""
    pa, pb = word_pairs(a), word_pairs(b)
    if not pa or not pb:
        return 0.0
    return len(pa & pb) / min(len(pa), len(pb))


def same_matter(a: str, b: str) -> bool:
    return similarity(a, b) >= SIMILAR_FROM


@dataclass(frozen=True)
class Earlier:
    """An earlier complaint on the same unit, as repeat detection needs it."""
    number: str
    category: Category
    received_at: datetime
    repeat_of: str | None
    matter: str = ""             # matter_text() of the earlier ticket
    repeat_count: int = 1
    stage: Stage | None = None   # shown beside the new ticket on the form


@dataclass(frozen=True)
class Candidate:
    """An earlier ticket the new one may repeat, with how alike their matters read."""
    earlier: Earlier
    similarity: float

    @property
    def number(self) -> str:
        return self.earlier.number

    @property
    def similar(self) -> bool:
        return self.similarity >= SIMILAR_FROM


def candidates(category: Category, received_at: datetime, matter: str, earlier: list[Earlier],
               window: timedelta = REPEAT_WINDOW) -> list[Candidate]:
    """The unit's earlier tickets of the same category received within the window (第N次 counts
    within 90 days, open or closed): the ones the registration form asks about. Most alike first,
    then the newest."""
    def eligible(e: Earlier) -> bool:
        return e.category == category and timedelta(0) <= received_at - e.received_at <= window
    found = [Candidate(e, similarity(matter, e.matter)) for e in earlier if eligible(e)]
    return sorted(found, key=lambda c: (-c.similarity, -c.earlier.received_at.timestamp()))


def suggestion(found: list[Candidate]) -> str:
    """The number the form proposes as 'the same problem', or '' (another matter)."""
    return next((c.number for c in found if c.similar), "")


def find_repeat(category: Category, received_at: datetime, earlier: list[Earlier],
                window: timedelta = REPEAT_WINDOW, matter: str = "",
                same_as: str | None = None) -> tuple[str | None, int]:
    """(number of the first complaint of the series, N for 第N次) for a new complaint.

    `same_as`: the receiver's answer to "is this the same problem as TS-…?": a number (confirmed),
    '' (another matter: history only), or None (not asked: the words decide)."""
    found = candidates(category, received_at, matter, list(earlier), window)
    if same_as is None:
        number = suggestion(found)
    elif same_as and same_as not in {c.number for c in found}:
        raise ValidationError("err.repeat_unknown", field="same_as", number=same_as[:20])
    else:
        number = same_as
    if not number:
        return None, 1
    match = next(c.earlier for c in found if c.number == number)
    first = match.repeat_of or match.number
    series = [e for e in earlier if first in (e.number, e.repeat_of)]
    return first, max(len(series), max(e.repeat_count for e in series)) + 1
