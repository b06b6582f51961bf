"""The trust tests (issue 7): concurrency, faults, backup, migrations with data, bad input, audit
and logs. Store fixtures come from tests/conftest.py (every store test runs on SQLite and on
PostgreSQL); this file only prints the figures the tests collected at the end of the run."""
from __future__ import annotations

import os
import sys
import tempfile

# Hypothesis keeps caches (Unicode tables, constants) on disk: outside the working tree.
os.environ.setdefault("HYPOTHESIS_STORAGE_DIRECTORY", os.path.join(tempfile.gettempdir(), "pm-hypothesis"))


def pytest_terminal_summary(terminalreporter):
    helpers, inputs = sys.modules.get("trust_helpers"), sys.modules.get("trust_inputs")
    lines = list(helpers.FIGURES) if helpers else []
    if inputs and inputs.TRIED["payloads"]:
        lines.append(f"bad input: {inputs.TRIED['payloads']} payloads tried against validators, import parsers "
                     f"and the store ({len(inputs.PAYLOADS)} fixed ones among the random: SQL, HTML, huge, "
                     "mixed-width digits, money, far dates); every one valid or refused with a catalogue message")
    if lines:
        terminalreporter.section("trust figures")
        for line in lines:
            terminalreporter.write_line(line)
