"""The training case library without a database (DESIGN §4): the seed cases and reference cards a
trainer reads, the rules a case must meet, the anonymiser that turns a complaint into a case, and the
printable handout."""
from __future__ import annotations

import re
from dataclasses import replace
from html.parser import HTMLParser

import pytest

from core.cases.anonymise import NUMBER, OWNER, PHONE, ROOM, STAFF, anonymise
from core.cases.content import KINDS, METHOD_STEPS, REFERENCE_CARDS, SEED_CASES, TOPICS
from core.cases.handout import render_handout
from core.cases.model import LIMITS, MAX_QUESTIONS, CaseDraft, search_terms, tags, untag, validate_case
from core.errors import ValidationError

CARDS = {c["slug"]: c for c in REFERENCE_CARDS}
CASES = {c["slug"]: c for c in SEED_CASES}
LABELS = {"questions": "讨论题", "lesson": "启示", "outcome": "结果"}


def refused(draft: CaseDraft) -> ValidationError:
    with pytest.raises(ValidationError) as info:
        validate_case(draft)
    return info.value


def draft_of(c: dict, **changes) -> CaseDraft:
    d = CaseDraft(title=c["title"], story=c["story"], kind=c["kind"], outcome=c["outcome"], lesson=c["lesson"],
                  questions=tuple(c["questions"]), topics=tuple(c["topics"]), method_steps=tuple(c["method_steps"]),
                  title_en=c["title_en"], summary_en=c["summary_en"], source=c["source"], status="published",
                  slug=c["slug"])
    return replace(d, **changes)


GOOD = CaseDraft(title="停电后，第二次来电被问“有什么事”", story="下午五点业主家停电，前台说电工马上到。", kind="complaint",
                 outcome="维修主管六点才派人。", lesson="谁受理谁跟进到底。", questions=("前台本该怎样做？",),
                 topics=("complaints",), method_steps=("register", "feedback"))


# --- seed content -----------------------------------------------------------------------------

def test_the_library_has_enough_cases_with_unique_slugs():
    assert len(SEED_CASES) >= 15
    slugs = [c["slug"] for c in SEED_CASES] + [c["slug"] for c in REFERENCE_CARDS]
    assert len(slugs) == len(set(slugs))
    assert all(re.fullmatch(r"[a-z0-9-]{3,60}", s) for s in slugs)     # fits the slug column


def test_the_cases_the_design_names_are_in_the_library():
    named = {"lost-parents-1am": "老人", "insects-college-expert": "虫", "invoices-40-bags": "发票",
             "open-phone-line-swearing": "电话", "power-cut-front-back-office": "停电",
             "hair-salon-prepaid-cards": "预付卡", "noise-wall-work-of-art": "噪音", "manager-unknown-owner": "业主"}
    for slug, word in named.items():
        assert slug in CASES, slug
        c = CASES[slug]
        assert word in c["title"] + c["story"], slug


@pytest.mark.parametrize("slug", list(CASES))
def test_every_case_is_complete_and_uses_allowed_tags(slug):
    c = CASES[slug]
    for name in ("title", "story", "lesson", "title_en", "summary_en"):
        assert c[name].strip(), f"{slug}: {name} is empty"
    assert 1 <= len(c["questions"]) <= MAX_QUESTIONS and all(q.strip() for q in c["questions"])
    assert c["kind"] in KINDS
    assert c["topics"] and set(c["topics"]) <= set(TOPICS)
    assert set(c["method_steps"]) <= set(METHOD_STEPS)


@pytest.mark.parametrize("slug", list(CASES))
def test_every_case_validates_and_keeps_its_text_exactly(slug):
    c = CASES[slug]
    d = validate_case(draft_of(c))
    assert (d.title, d.story, d.outcome, d.lesson) == (c["title"], c["story"], c["outcome"], c["lesson"])
    assert d.questions == tuple(c["questions"])
    assert (d.topics, d.method_steps, d.kind, d.status) == (tuple(c["topics"]), tuple(c["method_steps"]), c["kind"],
                                                             "published")


def test_every_filter_value_finds_at_least_one_seed_case():
    """A kind, topic or method step in the filter lists that finds nothing would look broken."""
    assert {c["kind"] for c in SEED_CASES} >= {"praise", "complaint", "exercise"}
    assert {t for c in SEED_CASES for t in c["topics"]} == set(TOPICS)
    assert {s for c in SEED_CASES for s in c["method_steps"]} == set(METHOD_STEPS)


def _numbered(body: str) -> list[str]:
    return [line.split(".", 1)[0] for line in body.splitlines() if re.match(r"^\w\. ", line)]


def test_reference_cards_hold_the_methods_the_seeds_teach():
    for slug in ("eight-steps", "seven-reasons", "customer-wants", "collection-techniques",
                 "general-complaint-process", "move-in-flow"):
        card = CARDS[slug]
        assert card["title"].strip() and card["title_en"].strip(), slug
        # the English card says the same thing, line for line
        assert len(card["body"].splitlines()) == len(card["body_en"].splitlines()) >= 5, slug
    assert _numbered(CARDS["eight-steps"]["body"]) == [str(i) for i in range(1, 9)]
    assert _numbered(CARDS["seven-reasons"]["body"]) == [str(i) for i in range(1, 8)]
    assert _numbered(CARDS["customer-wants"]["body"]) == list("ABCDEFG")
    assert _numbered(CARDS["customer-wants"]["body_en"]) == list("ABCDEFG")
    assert _numbered(CARDS["general-complaint-process"]["body"]) == [str(i) for i in range(1, 9)]
    assert "回访" in CARDS["general-complaint-process"]["body"]
    flow = CARDS["move-in-flow"]["body"]
    assert _numbered(flow) == [str(i) for i in range(1, 7)]
    positions = [flow.index(w) for w in ("入住通知书", "业主资料", "验房", "签收", "缴纳费用", "钥匙")]
    assert positions == sorted(positions)                    # the stations in the order of the hall
    assert len(CARDS["collection-techniques"]["body"].splitlines()) >= 5


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from _strings(v)


def test_no_html_in_any_content_string():
    texts = list(_strings(SEED_CASES)) + list(_strings(REFERENCE_CARDS))
    assert len(texts) > 200
    markup = re.compile(r"<\s*/?\s*[A-Za-z!]|&[A-Za-z]+;|&#\d+;")
    assert [t for t in texts if markup.search(t)] == []


def test_content_fits_the_stored_limits():
    for c in SEED_CASES:
        for name in ("title", "title_en", "summary_en", "story", "outcome", "lesson", "source"):
            assert len(c[name]) <= LIMITS[name], (c["slug"], name)
        assert all(len(q) <= LIMITS["question"] for q in c["questions"]), c["slug"]


# --- validate_case ----------------------------------------------------------------------------

def test_full_width_chinese_punctuation_survives_validation():
    d = validate_case(replace(GOOD, title="停电一小时，客户第二次来电（晚上６点）：“有什么事？”",
                              questions=("谁该跟进？为什么；怎么做！",)))
    assert d.title == "停电一小时，客户第二次来电（晚上６点）：“有什么事？”"
    assert "，" in d.title and "６" in d.title            # not folded to ASCII
    assert d.questions == ("谁该跟进？为什么；怎么做！",)


@pytest.mark.parametrize("name", ["title", "story"])
@pytest.mark.parametrize("value", ["", "   \n "])
def test_empty_title_or_story_is_refused(name, value):
    e = refused(replace(GOOD, **{name: value}))
    assert (e.key, e.field) == ("err.required", f"case_{name}")


@pytest.mark.parametrize("name", ["title", "story", "outcome", "lesson", "title_en", "summary_en", "source"])
def test_over_long_fields_are_refused_and_the_limit_itself_is_accepted(name):
    limit = LIMITS[name]
    assert getattr(validate_case(replace(GOOD, **{name: "字" * limit})), name) == "字" * limit
    e = refused(replace(GOOD, **{name: "字" * (limit + 1)}))
    assert (e.key, e.field, e.params["max"]) == ("err.too_long", f"case_{name}", limit)


def test_an_over_long_question_is_refused():
    e = refused(replace(GOOD, questions=("好", "问" * (LIMITS["question"] + 1))))
    assert (e.key, e.field) == ("err.too_long", "case_question")


@pytest.mark.parametrize("change, key", [
    ({"kind": "gossip"}, "err.required"),
    ({"kind": ""}, "err.required"),
    ({"topics": ("complaints", "weather")}, "err.case_tags"),
    ({"method_steps": ("register", "pray")}, "err.case_tags"),
    ({"status": "archived"}, "err.required"),
])
def test_unknown_kind_topic_step_or_status_is_refused(change, key):
    assert refused(replace(GOOD, **change)).key == key


def test_at_most_eight_questions_and_blank_ones_do_not_count():
    eight = tuple(f"第{i}题？" for i in range(1, 9))
    assert validate_case(replace(GOOD, questions=eight + ("  ", ""))).questions == eight
    e = refused(replace(GOOD, questions=eight + ("第9题？",)))
    assert (e.key, e.params["max"]) == ("err.too_many_questions", 8)


def test_repeated_tags_are_kept_once_in_order():
    d = validate_case(replace(GOOD, topics=("fees", "complaints", "fees"), method_steps=("prevent", "register", "prevent")))
    assert (d.topics, d.method_steps) == (("fees", "complaints"), ("prevent", "register"))


def test_html_and_script_text_is_kept_verbatim():
    """The pages show case text as text (never as HTML), so it is stored exactly as typed."""
    title = "<script>alert(1)</script>"
    story = "<img src=x onerror=alert(1)> 业主说：\"<b>立刻</b>\" & 'now'"
    d = validate_case(replace(GOOD, title=title, story=story, questions=("<i>为什么？</i>",)))
    assert (d.title, d.story, d.questions) == (title, story, ("<i>为什么？</i>",))


# --- search terms and tags ----------------------------------------------------------------------

def test_search_terms_split_on_spaces_fold_full_width_and_drop_repeats():
    assert search_terms("  停电　前台 停电 ") == ["停电", "前台"]      # ideographic space separates too
    assert search_terms("ＴＳ－２０２５") == ["TS-2025"]
    assert search_terms("a b c d e f g") == ["a", "b", "c", "d", "e"]
    assert search_terms("") == []


def test_tags_round_trip():
    assert tags(("fees", "move_in")) == ",fees,move_in,"
    assert untag(tags(("fees", "move_in"))) == ("fees", "move_in")
    assert tags(()) == "" and untag("") == () and untag(None) == ()


# --- the anonymiser -----------------------------------------------------------------------------

@pytest.mark.parametrize("text, gone, placeholder", [
    ("业主来电13812345678说家里停电", "13812345678", PHONE),
    ("回电 138 1234 5678 找业主", "1234", PHONE),
    ("回电138-1234-5678找业主", "1234", PHONE),
    ("座机0755-12345678无人接听", "12345678", PHONE),
    ("3-1906卫生间渗水", "1906", ROOM),
    ("12-0801门口堆放垃圾", "0801", ROOM),
    ("住在3栋1906室的业主", "1906", ROOM),
    ("住在3号楼1906室的业主", "1906", ROOM),
    ("住在3栋1单元1906室的业主", "1906", ROOM),
    ("楼上1906室漏水", "1906", ROOM),
    ("与TS-20261122-0007是同一件事", "20261122", NUMBER),
])
def test_phones_rooms_and_complaint_numbers_are_replaced(text, gone, placeholder):
    out = anonymise(text)
    assert gone not in out
    assert out.count(placeholder) == 1


def test_phone_and_room_replacement_keeps_the_sentence():
    assert anonymise("3-1906业主来电13812345678：卫生间渗水三天") == f"{ROOM}业主来电{PHONE}：卫生间渗水三天"
    assert anonymise("住在3栋1906室，电话0755-12345678") == f"住在{ROOM}，电话{PHONE}"


@pytest.mark.parametrize("text, expected", [
    ("王先生说已经等了三天", "某先生说已经等了三天"),
    ("李女士很生气", "某女士很生气"),
    ("小张来了以后", "小某来了以后"),
    ("老李上门查看", "老某上门查看"),
    ("张阿姨和刘师傅", "某阿姨和某师傅"),
])
def test_honorific_forms_lose_the_surname(text, expected):
    assert anonymise(text) == expected


def test_known_names_are_replaced_longest_first():
    out = anonymise("王小明来电，前台陈晓红（chenxh）答应由王军上门，王小明的邻居王小也在。",
                    people=["王小明", "王小"], staff=["陈晓红", "chenxh", "王军"])
    for name in ("王小明", "王小", "陈晓红", "chenxh", "王军"):
        assert name not in out
    assert out == f"{OWNER}来电，前台{STAFF}（{STAFF}）答应由{STAFF}上门，{OWNER}的邻居{OWNER}也在。"


def test_staff_names_win_over_people_and_one_letter_names_are_ignored():
    # a display name that is also a complainant's name is still removed; a 1-character "name" would
    # wipe every occurrence of a common character, so it is not used
    out = anonymise("李娜和王", people=["李娜", "王"], staff=["李娜"])
    assert out == f"{STAFF}和王"


def test_ordinary_text_is_kept():
    text = ("下午五点小区停电，业主打服务电话，前台说维修工马上到。维修主管把人手派去抢修爆裂的水管，"
            "老人在家里等到六点。客服主管和维修主管各说各的理，48小时后才闭水试验；电梯门锁触点老化。")
    assert anonymise(text, people=["王小明"], staff=["陈晓红", "frontdesk"]) == text
    assert anonymise("") == "" and anonymise(None) == ""


# --- the handout --------------------------------------------------------------------------------

class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.started: list[str] = []
        self.ended: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.started.append(tag)

    def handle_endtag(self, tag):
        self.ended.append(tag)

    def handle_data(self, data):
        self.text.append(data)


def parse(html: str) -> _Tags:
    p = _Tags()
    p.feed(html)
    p.close()
    return p


def test_handout_is_a_complete_page_with_every_case_and_question():
    cases = [{"title": CASES[s]["title"], "story": CASES[s]["story"], "outcome": CASES[s]["outcome"],
              "lesson": CASES[s]["lesson"], "questions": CASES[s]["questions"]}
             for s in ("power-cut-front-back-office", "invoices-40-bags")]
    html = render_handout("投诉处理培训", "2025-03-03", "苏培训", cases, LABELS)
    assert html.startswith("<!DOCTYPE html>") and html.rstrip().endswith("</html>")
    p = parse(html)
    for tag in ("html", "head", "title", "body"):
        assert tag in p.started and tag in p.ended, tag
    text = "".join(p.text)
    assert "投诉处理培训" in text and "2025-03-03" in text and "苏培训" in text
    for i, c in enumerate(cases, start=1):
        assert f"{i}. {c['title']}" in text
        assert c["lesson"] in text and c["outcome"] in text
        for q in c["questions"]:
            assert q in text
    # the cases in the chosen order, each with its own numbered list of questions
    assert text.index(cases[0]["title"]) < text.index(cases[1]["title"])
    assert p.started.count("ol") == 2 and p.started.count("li") == sum(len(c["questions"]) for c in cases)
    assert LABELS["questions"] in text


def test_handout_prints_markup_in_a_case_as_text():
    evil = {"title": "<script>alert(1)</script>", "story": "<img src=x onerror=alert(2)>\n第二段",
            "outcome": "", "lesson": "<b>粗体</b>", "questions": ["</ol><script>alert(3)</script>"]}
    html = render_handout("<i>培训</i>", "2025-03-03", "trainer", [evil], LABELS)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script" not in html and "<img" not in html and "<b>" not in html and "<i>" not in html
    p = parse(html)
    assert not {"script", "img", "b", "i"} & set(p.started)
    text = "".join(p.text)
    assert "<script>alert(1)</script>" in text and "</ol><script>alert(3)</script>" in text
    assert "第二段" in text


def test_handout_leaves_out_empty_sections():
    html = render_handout("培训", "2025-03-03", "trainer",
                          [{"title": "只有故事", "story": "故事", "outcome": "", "lesson": "", "questions": []}], LABELS)
    text = "".join(parse(html).text)
    assert "只有故事" in text
    assert LABELS["questions"] not in text and LABELS["lesson"] not in text and LABELS["outcome"] not in text


# --- the seed content is a data file ----------------------------------------------------------

CASE_FIELDS = {"slug", "title", "title_en", "summary_en", "story", "outcome", "lesson", "questions", "kind",
               "topics", "method_steps", "source"}


def test_the_library_file_holds_every_case_and_card_with_exactly_their_fields():
    from core.cases.content import LIBRARY_FILE, _load

    assert LIBRARY_FILE.suffix == ".toml" and LIBRARY_FILE.exists()
    cases, cards = _load(LIBRARY_FILE)
    assert (len(cases), len(cards)) == (24, 8)
    assert all(set(c) == CASE_FIELDS for c in cases), [set(c) ^ CASE_FIELDS for c in cases if set(c) != CASE_FIELDS]
    assert all(set(c) == {"slug", "title", "title_en", "body", "body_en"} for c in cards)
    assert all(isinstance(c["body"], str) and "\n" in c["body"] for c in cards)   # lines joined into one text
    assert all(c["source"].endswith(".txt") for c in cases)                      # the training material it retells
