"""Chinese word segmentation for search: the terms of a text (to index) and of a query (to look up).

jieba loads its dictionary once per process (about a second): lazily on first use, or ahead of
time with `warm_up()` in a background thread when an app or worker starts. Its cache file goes to
SEARCH_CACHE_DIR (default: the system temp folder), which must be writable; if it is not, jieba
simply builds the dictionary again in memory."""
from __future__ import annotations

import logging
import os
import re
import tempfile
import threading
from collections import Counter

from core.org.rules import normalise_text

MAX_TERM = 32          # longer runs (a URL, a pasted number) are cut to this
MAX_QUERY_TERMS = 6

# Words every complaint or case says: looking them up would match half the store.
STOPWORDS = frozenset("""
的 了 是 在 和 与 及 或 也 都 就 又 还 而 被 把 将 对 于 从 向 给 让 我 你 他 她 它 我们 你们 他们 她们
这 那 这个 那个 这些 那些 一个 一些 有 没有 没 不 很 太 吗 呢 吧 啊 呀 着 过 等 之 其 并 但 但是 因为 所以
如果 已经 可以 自己 什么 怎么 为什么 这样 那样 这么 那么 一直 一下 每天 时候 现在 非常 比较 多次 几次
the a an of to and or in on for is are was be it this that with as at by
""".split())

# Words people use for the same thing: a query for one finds the others.
SYNONYMS: tuple[frozenset[str], ...] = tuple(frozenset(g) for g in (
    {"噪音", "噪声", "吵闹"},
    {"装修", "装潢"},
    {"漏水", "渗水", "滴水"},
    {"停电", "断电"},
    {"停水", "断水"},
    {"物业费", "管理费"},
    {"垃圾", "废弃物"},
    {"电梯", "升降梯"},
    {"保安", "安全员", "门岗"},
    {"宠物", "狗", "犬"},
))
_SYNONYM_OF = {w: g for g in SYNONYMS for w in g}

_lock = threading.Lock()
_tokenizer = None


def _jieba():
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                import jieba  # noqa: PLC0415 (loaded on first use: a second of dictionary work)

                jieba.setLogLevel(logging.WARNING)
                t = jieba.Tokenizer()
                t.tmp_dir = os.environ.get("SEARCH_CACHE_DIR") or tempfile.gettempdir()
                # Words of this trade that jieba's general dictionary splits apart.
                for word in ("物业费", "回访", "验房", "入住", "收缴率", "清欠率", "业委会", "强排式", "隔音墙"):
                    t.add_word(word, freq=2000)
                t.initialize()
                _tokenizer = t
    return _tokenizer


def warm_up() -> threading.Thread:
    """Load the dictionary in the background so the first search does not wait for it."""
    thread = threading.Thread(target=_jieba, name="jieba-warm-up", daemon=True)
    thread.start()
    return thread


# Runs of letters and digits (room numbers such as 3-1906 stay one term) and runs of Chinese.
_RUN = re.compile(r"[0-9a-z]+(?:[-._][0-9a-z]+)*|[\u3400-\u9fff\uf900-\ufaff]+")
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def _clean(text: str) -> str:
    return normalise_text(text or "").lower()


def _words(text: str, for_search: bool) -> list[str]:
    """The words of a text in order: Chinese runs segmented, letter/digit runs kept whole."""
    out: list[str] = []
    for m in _RUN.finditer(_clean(text)):
        run = m.group(0)
        if _HAN.match(run):
            cut = _jieba().cut_for_search(run) if for_search else _jieba().cut(run)
            out.extend(w for w in cut if w.strip())
        else:
            out.append(run)
    return out


def _keep(word: str) -> bool:
    # A single Chinese character says too little to look up, and would bloat the index.
    return word not in STOPWORDS and not (len(word) == 1 and _HAN.match(word))


def index_terms(text: str) -> Counter:
    """The terms an index stores for a text, with how often each occurs (search mode: 物业费
    is stored as 物业费 and as 物业, so both queries find it)."""
    return Counter(w[:MAX_TERM] for w in _words(text, for_search=True) if _keep(w))


def query_groups(query: str) -> list[tuple[str, ...]]:
    """The words of a query, each as the group of its variants (the word first, then its synonyms).
    装修噪音 → [(装修, 施工, 装潢), (噪音, 吵闹, 噪声)]. A query of single characters only keeps them
    (as typed), so the caller can say it needs a longer word."""
    words = [w[:MAX_TERM] for w in _words(query, for_search=False)]
    kept = [w for w in words if _keep(w)] or [w for w in words if w not in STOPWORDS]
    groups: list[tuple[str, ...]] = []
    seen: set[str] = set()
    for w in kept:
        if w in seen:
            continue
        variants = (w, *sorted(_SYNONYM_OF.get(w, frozenset()) - {w}))
        seen.update(variants)
        groups.append(variants)
    return groups[:MAX_QUERY_TERMS]


def all_variants(groups: list[tuple[str, ...]]) -> list[str]:
    return [v for g in groups for v in g]


def unit_terms(query: str, max_terms: int = MAX_QUERY_TERMS) -> list[str]:
    """The terms of a unit search: room numbers whole (3-1906), a short Chinese run whole (a name
    such as 王秀英), a longer one split into words (阳光花园张伟 → 阳光, 花园, 张伟)."""
    out: list[str] = []
    for chunk in _clean(query).split():
        runs = [m.group(0) for m in _RUN.finditer(chunk)]
        if "".join(runs) != chunk:      # other characters (%, _, \): the chunk is searched as typed
            out.append(chunk)
            continue
        for run in runs:
            if _HAN.match(run) and len(run) > 3:
                out.extend(w for w in _jieba().cut(run) if w.strip())
            else:
                out.append(run)
    return list(dict.fromkeys(w[:MAX_TERM] for w in out))[:max_terms]
