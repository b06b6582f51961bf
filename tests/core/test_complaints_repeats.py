"""Repeats that are repeats: the same unit, the same category and the same matter (issue 12, item 5).
The matter is compared on word pairs of place, subject and content; the receiver's answer to "the
same problem as TS-…?" wins over the words. No database here."""
from datetime import datetime, timedelta

import pytest

from core.auth.actor import Actor
from core.auth.roles import Role
from core.clock import CHINA
from core.complaints import workflow as wf
from core.complaints.model import Category, Escalation, Stage
from core.complaints.repeats import (SIMILAR_FROM, Earlier, candidates, find_repeat, matter_text, same_matter,
                                     similarity, suggestion, word_pairs)
from core.errors import ValidationError

T0 = datetime(2025, 3, 3, 9, 0, tzinfo=CHINA)
DESK = Actor("chen", Role.FRONTDESK)
POWER_CUT = "昨晚七点半家里突然停电，打了服务中心电话说会安排电工，今天再打过去没人知道这件事。"
LEAK = "卫生间天花板渗水，楼上说不是他家的问题，已经滴了三天。"


def earlier(number, days_ago, matter, category=Category.REPAIRS, repeat_of=None, stage=Stage.CLOSED,
            repeat_count=1) -> Earlier:
    return Earlier(number, category, T0 - timedelta(days=days_ago), repeat_of, matter, repeat_count, stage)


def register(content, history, same_as=None, **kw):
    return wf.register("TS-20250303-0001", T0, DESK, "phone", "王伟", "13812345678", 7, "", content, "repairs",
                       earlier=history, same_as=same_as, **kw)


# --- the words -------------------------------------------------------------------------------

def test_word_pairs_of_chinese_and_latin_without_filler():
    assert word_pairs("车库B2漏水") == {"车库", "b2", "漏水"}
    assert word_pairs("还是没人来修") == {"是没", "人来"}                 # 还是, 没人, 来修 say nothing
    assert word_pairs("") == frozenset() == word_pairs("，。！")


@pytest.mark.parametrize("a, b, alike", [
    (LEAK, "天花板还在渗水", True),                                      # a short follow-up of the same leak
    ("家里停电了", "又停电了，还是没人管", True),
    ("电梯这周已经第三次停在半层，老人不敢坐。", "电梯停在半层，又困人了", True),
    (LEAK, POWER_CUT, False),                                           # the case: both "repairs"
    ("楼道灯坏了三天", "电梯停在半层", False),
    ("楼道垃圾两天没人收", "垃圾房的味道很大", False),
])
def test_which_matters_read_alike(a, b, alike):
    assert same_matter(a, b) is alike, similarity(a, b)
    assert similarity(a, b) == similarity(b, a)


def test_the_place_and_subject_are_part_of_the_matter():
    assert matter_text("地下车库B2", "保安", "有人半夜试拉车门") == "地下车库B2 保安 有人半夜试拉车门"
    assert same_matter(matter_text("地下车库B2", "", "车被刮了"), matter_text("地下车库B2", "", "又有车被刮"))
    assert similarity("", LEAK) == 0.0


# --- the rule --------------------------------------------------------------------------------

def test_a_leak_weeks_after_a_power_cut_is_history_not_a_repeat():
    c, events = register(LEAK, [earlier("TS-1", 21, POWER_CUT)])
    assert (c.repeat_of, c.repeat_count, c.escalation) == (None, 1, Escalation.NONE)
    assert [e.action for e in events] == ["register"]


def test_the_same_leak_again_is_the_second_and_escalates():
    c, events = register("天花板还在渗水，没人来修", [earlier("TS-1", 21, LEAK)])
    assert (c.repeat_of, c.repeat_count, c.escalation) == ("TS-1", 2, Escalation.MANAGER)
    assert events[1].detail == {"first": "TS-1", "n": 2}


def test_the_receiver_confirms_what_the_words_miss():
    history = [earlier("TS-1", 21, LEAK)]
    assert register("又来了，还是那个老问题", history)[0].repeat_of is None   # no common words
    c, events = register("又来了，还是那个老问题", history, same_as="TS-1")
    assert (c.repeat_of, c.repeat_count, c.escalation) == ("TS-1", 2, Escalation.MANAGER)
    assert events[1].detail == {"first": "TS-1", "n": 2, "confirmed": "TS-1"}


def test_the_receiver_denies_what_the_words_suggest():
    c, events = register(LEAK, [earlier("TS-1", 21, LEAK)], same_as="")
    assert (c.repeat_of, c.repeat_count, c.escalation) == (None, 1, Escalation.NONE)


@pytest.mark.parametrize("number", ["TS-9", "TS-OLD", "TS-CLEAN"])
def test_only_a_ticket_the_form_offered_can_be_confirmed(number):
    history = [earlier("TS-1", 21, LEAK), earlier("TS-OLD", 200, LEAK),
               earlier("TS-CLEAN", 5, "楼道垃圾", category=Category.CLEANING)]
    with pytest.raises(ValidationError) as e:
        register(LEAK, history, same_as=number)
    assert (e.value.key, e.value.field) == ("err.repeat_unknown", "same_as")


def test_the_90_day_window_holds_for_open_tickets_too():
    """第N次 counts within 90 days; an older ticket, even still open, shows in the unit's history."""
    history = [earlier("TS-1", 91, LEAK, stage=Stage.IMPLEMENT)]
    assert find_repeat(Category.REPAIRS, T0, history, matter=LEAK) == (None, 1)
    assert candidates(Category.REPAIRS, T0, LEAK, history) == []


def test_two_matters_on_one_unit_make_two_series():
    history = [earlier("TS-1", 60, POWER_CUT), earlier("TS-2", 40, LEAK),
               earlier("TS-3", 20, "又停电了", repeat_of="TS-1", repeat_count=2)]
    assert find_repeat(Category.REPAIRS, T0, history, matter="今晚又停电了") == ("TS-1", 3)
    assert find_repeat(Category.REPAIRS, T0, history, matter="天花板渗水更严重了") == ("TS-2", 2)


def test_the_count_goes_on_when_the_first_is_out_of_the_window():
    """Only the last of a series may still be loaded: its 第N次 carries the count on."""
    history = [earlier("TS-5", 30, LEAK, repeat_of="TS-1", repeat_count=4)]
    assert find_repeat(Category.REPAIRS, T0, history, matter=LEAK) == ("TS-1", 5)


def test_the_form_is_offered_the_same_category_most_alike_first():
    history = [earlier("TS-1", 60, POWER_CUT), earlier("TS-2", 40, LEAK), earlier("TS-3", 10, POWER_CUT),
               earlier("TS-C", 5, "楼道垃圾", category=Category.CLEANING), earlier("TS-OLD", 100, LEAK)]
    found = candidates(Category.REPAIRS, T0, "天花板又渗水", history)
    assert [c.number for c in found] == ["TS-2", "TS-3", "TS-1"]     # the leak, then the newest first
    assert [c.similar for c in found] == [True, False, False]
    assert suggestion(found) == "TS-2"
    assert suggestion(candidates(Category.REPAIRS, T0, "门禁卡失灵", history)) == ""
    assert found[0].similarity >= SIMILAR_FROM
