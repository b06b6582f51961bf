"""Actions on Streamlit widgets for the flow, audit and two-server browser tests: pick a radio
option, fill a field, choose in a multiselect, click and wait for the rerun, read a metric.
(The fixtures and the basic waits live in conftest.py and browser_helpers.py.)"""
from __future__ import annotations

import re
import time

from browser_helpers import MAIN, SCREENSHOTS, assert_clean, eventually, main_text, wait_idle, wait_painted
from core.i18n import translate as t

FORM = '[data-testid="stForm"]'


def main(page):
    return page.locator(MAIN)


def button(page, name: str, scope=None):
    return (scope or main(page)).get_by_role("button", name=name, exact=True)


def textbox(page, label: str, scope=None):
    """A text input or text area by its label."""
    return (scope or main(page)).get_by_role("textbox", name=label, exact=True)


def form_with(page, submit_label: str):
    """The form whose submit button reads submit_label."""
    return page.locator(FORM).filter(has=page.get_by_role("button", name=submit_label, exact=True))


def settle(page, timeout: float = 30) -> None:
    """A click starts a rerun a moment later: give it the moment, then wait for the end."""
    page.wait_for_timeout(150)
    wait_idle(page, timeout=timeout)


def wait_text(page, text: str, timeout: float = 30, where: str = "") -> None:
    """Until text shows in the main area (drawn after the run on a busy machine)."""
    assert eventually(lambda: text in main_text(page), timeout), \
        f"{where}: {text!r} not shown within {timeout}s: {main_text(page)[:600]}"
    wait_idle(page)


def pick_radio(page, option: str) -> None:
    radio = main(page).locator('[data-testid="stRadio"] label').filter(has_text=re.compile(f"^{re.escape(option)}$"))
    radio.first.click()
    settle(page)


def choose_in_select(page, label: str, typed: str, option: str | re.Pattern | None = None) -> None:
    """A single-choice st.selectbox: type to filter (its input holds the current choice, which
    would filter the list down to itself), click the option."""
    field = main(page).get_by_role("combobox", name=label, exact=True)
    field.click()
    field.fill(typed)
    page.get_by_role("option", name=option or typed).first.click()
    settle(page)


def choose_in_multiselect(page, label: str, typed: str, option: str | re.Pattern | None = None) -> None:
    """Type into the multiselect to filter, click the matching option, close the list.
    On a loaded machine a rerun landing between the typing and the click can swallow the choice:
    the whole gesture is tried again (as a user would), three times at most."""
    field = main(page).get_by_role("combobox", name=label, exact=True)
    before = len(chosen_in_multiselect(page, label))
    for attempt in range(3):
        wait_idle(page)
        field.click()
        field.fill(typed)
        page.get_by_role("option", name=option or typed).first.click()
        # Escape before the choice has landed would drop it.
        if eventually(lambda: len(chosen_in_multiselect(page, label)) == before + 1, 10):
            break
        page.keyboard.press("Escape")
    else:
        raise AssertionError(f"{label}: {typed!r} not chosen after 3 tries")
    page.keyboard.press("Escape")
    page.wait_for_timeout(100)


def select_value(page, label: str) -> str:
    """What a st.selectbox shows (a combobox input holding the chosen option's label)."""
    return main(page).get_by_role("combobox", name=label, exact=True).input_value()


def chosen_in_multiselect(page, label: str) -> list[str]:
    box = main(page).locator('[data-testid="stMultiSelect"]').filter(
        has=page.get_by_role("combobox", name=label, exact=True))
    return [tag.get_attribute("aria-label") for tag in box.locator("[data-tag]").all()]


def metric_value(page, label: str) -> str:
    """The value of the st.metric whose label is exactly `label`."""
    metric = main(page).locator('[data-testid="stMetric"]').filter(
        has=page.locator('[data-testid="stMetricLabel"]', has_text=re.compile(f"^\\s*{re.escape(label)}\\s*$")))
    # The browser may draw the last elements a moment after the run is over.
    assert eventually(lambda: metric.count() >= 1, 15), f"no metric {label!r}: {main_text(page)[:400]}"
    return metric.first.locator('[data-testid="stMetricValue"]').inner_text().strip()


def snap(page, name: str, where: str | None = None) -> None:
    """Screenshot tests/browser/screenshots/<name>.png after checking the page has no exception or
    unexpected error box."""
    wait_painted(page)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    assert_clean(page, where or name)


def stage_shown(page) -> str:
    return metric_value(page, t("col.stage"))


def wait_until(check, timeout: float = 30, message: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, message or "condition not met in time"
        time.sleep(0.2)
