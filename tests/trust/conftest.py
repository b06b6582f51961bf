"""The trust tests (issue 7): concurrency, faults, backup, migrations with data, bad input, audit
and logs. Store fixtures come from tests/conftest.py (every store test runs on SQLite and on
PostgreSQL); this file adds the count of bad inputs tried to the figures (tests/conftest.py prints them)."""
from __future__ import annotations

import os
import tempfile

import pytest

# Hypothesis keeps caches (Unicode tables, constants) on disk: outside the working tree.
os.environ.setdefault("HYPOTHESIS_STORAGE_DIRECTORY", os.path.join(tempfile.gettempdir(), "pm-hypothesis"))


@pytest.fixture(scope="session", autouse=True)
def _bad_input_tally():
    """At the end of the session (of each worker), how many bad inputs the tests tried."""
    yield
    from trust_inputs import PAYLOADS, TRIED
    from trust_helpers import report

    if TRIED["payloads"]:
        report(f"bad input: {TRIED['payloads']} payloads tried against validators, import parsers "
               f"and the store ({len(PAYLOADS)} fixed ones among the random: SQL, HTML, huge, "
               "mixed-width digits, money, far dates); every one valid or refused with a catalogue message")
