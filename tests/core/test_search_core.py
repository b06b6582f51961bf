"""Search rules (core.search): segmentation-based matching, the ranking order, and snippets whose
matched words are bold while the user's own markdown and HTML show as typed."""
from __future__ import annotations

from core.search.documents import CASE_FIELDS, fields, term_weights
from core.search.rank import CLOSE, PHRASE, SCATTERED, Field, escape_markdown, highlighted_markdown, rank, snippet
from core.search.segment import index_terms, query_groups, unit_terms


def test_a_query_written_as_one_run_is_split_into_its_words_with_their_variants():
    groups = query_groups("装修噪音")
    assert [g[0] for g in groups] == ["装修", "噪音"]
    assert "噪声" in groups[1]                       # a query for 噪音 also finds 噪声
    assert query_groups("停电　前台") == query_groups("停电 前台") == [("停电", "断电"), ("前台",)]


def test_the_index_keeps_words_and_drops_filler_and_single_characters():
    terms = index_terms("楼上那户从上周开始装修，电钻声响到晚上九点，这种噪声让人没法休息。")
    assert {"装修", "噪声", "电钻"} <= set(terms)
    assert not {"的", "，", "这"} & set(terms)
    assert all(len(t) > 1 for t in terms)
    assert "3-1906" in index_terms("3-1906 的业主")      # room numbers stay one term


def test_words_apart_in_the_text_still_match_a_query_written_together():
    text = "楼上那户从上周开始装修，电钻声一直响到晚上九点，这种噪声让人没法休息。"
    r = rank([Field("story", text)], query_groups("装修噪音"))
    assert r.matched == 2 and r.together == SCATTERED
    # and the index holds both words, so the stored lookup finds the record
    assert {"装修", "噪声"} <= set(index_terms(text))


def test_all_words_rank_over_some_title_over_body_phrase_over_scattered():
    groups = query_groups("装修噪音")

    def key(title, body):
        return rank([Field("title", title, 10, True), Field("story", body)], groups).key

    some = key("邻里纠纷", "装修时的垃圾堆在楼道里。")
    scattered = key("邻里纠纷", "楼上装修，工人说按规定施工，可一大早的电钻和电锤实在让人受不了，这种噪音谁都睡不着。")
    close = key("邻里纠纷", "楼上装修的电钻噪音从早响到晚。")
    phrase = key("邻里纠纷", "物业接到的装修噪音投诉越来越多。")
    in_title = key("楼上装修，楼下不得安宁", "电钻声从早到晚，噪音让孩子睡不着。")
    assert some < scattered < close < phrase < in_title
    assert rank([Field("b", "装修噪音")], groups).together == PHRASE
    assert rank([Field("b", "装修的电钻噪音")], groups).together == CLOSE


def test_case_fields_weigh_the_title_most():
    weights = term_weights(fields(CASE_FIELDS, {"title": "停电一小时", "story": "停电后前台没有跟进。"}))
    assert weights["停电"] == 10 + 1 and weights["前台"] == 1


def test_a_snippet_shows_the_best_window_with_the_matched_words_as_their_own_parts():
    text = "开头的一段话和搜索无关。" * 10 + "楼上装修，电钻声让人受不了，噪音太大。" + "后面还有很多别的内容。" * 10
    parts = snippet(text, query_groups("装修噪音"), width=40)
    assert parts[0] == ("…", False) and parts[-1] == ("…", False)       # text left out on both sides
    assert [p for p, hit in parts if hit] == ["装修", "噪音"]
    assert len("".join(p for p, _ in parts)) <= 40 + 2


def test_highlighting_keeps_the_users_markdown_and_html_as_text():
    text = "业主写道：<script>alert(1)</script> **很吵** [链接](http://x) # 装修 _噪音_ `代码` :red[字]"
    md = highlighted_markdown(snippet(text, query_groups("装修噪音"), width=200))
    assert "**装修**" in md and "**噪音**" in md
    # every special character of the user's text is escaped: nothing of it becomes markup
    assert "<script>" not in md and "\\<script\\>" in md
    assert "\\*\\*很吵\\*\\*" in md and "\\[链接\\]\\(http\\:" in md and "\\_" in md and "\\`" in md
    assert ":red[" not in md
    assert escape_markdown("a\nb") == "a b"


def test_unit_terms_keep_rooms_and_names_whole_and_split_long_runs():
    assert unit_terms("3-1906") == ["3-1906"]
    assert unit_terms("王秀英") == ["王秀英"]
    assert unit_terms("３－１９") == ["3-19"]                                  # typed on a phone
    assert "3-19" in unit_terms("阳光花园 3-19") and "阳光" in unit_terms("阳光花园 3-19")
