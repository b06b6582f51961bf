"""The trainer's search (issue 14, item 9) on a 1366x768 laptop: 装修噪音 typed as one run finds the
renovation-noise case first, although its text says 装修 and 噪音 apart, with a snippet whose matched
words are bold. Screenshot: tests/browser/screenshots/search_cases_renovation_noise.png."""
from __future__ import annotations

import pytest

from browser_actions import main, settle, snap, textbox, wait_text
from browser_helpers import open_url
from core.i18n import translate as t

pytestmark = pytest.mark.browser
TITLE = "练习：楼上装修，楼下一家整个周末不得安宁"


def test_trainer_finds_the_renovation_noise_case_with_a_highlighted_snippet(new_page, signed_in_state, server):
    page = new_page(storage_state=signed_in_state("trainer"))
    page.set_viewport_size({"width": 1366, "height": 768})
    open_url(page, server.base_url + "/cases")
    box = textbox(page, t("cases.search"))
    box.fill("装修噪音")
    box.press("Enter")
    settle(page)
    wait_text(page, TITLE, where="renovation case listed")
    # The innermost block holding the title and a bold word: the renovation case's card text.
    first = main(page).locator('[data-testid="stVerticalBlock"]').filter(has_text=TITLE).filter(
        has=page.locator("strong")).last
    titles = main(page).locator('[data-testid="stText"]').all_inner_texts()
    assert titles and titles[0] == TITLE, titles[:3]          # the first hit is the renovation case
    bold = [b.inner_text() for b in first.locator("strong").all()]
    assert "装修" in bold and ({"噪音", "噪声"} & set(bold)), bold   # the matched words, in bold
    assert "**" not in first.inner_text()                    # markdown rendered, not shown as stars
    # no sideways scroll on the laptop (the shared helper measures against the 1024 px tablet)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 1366 + 2
    snap(page, "search_cases_renovation_noise", "case search")
