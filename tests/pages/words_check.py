"""What a page shows, checked for words that are not ours: raw catalogue keys, empty values
written as words, empty tables (which Streamlit labels "empty"), the framework's English."""
from __future__ import annotations

import math
import re

from core.i18n import CATALOGUES
from page_helpers import texts

PREFIXES = {key.split(".", 1)[0] for key in CATALOGUES["zh"]}
# a dotted word whose first part is a catalogue section: what translate() shows for a missing key
RAW_KEY = re.compile(r"(?<![\w./@-])([a-z][a-z0-9_]*)\.([a-z0-9_]+(?:\.[a-z0-9_]+)*)(?![\w/@-])")
NULL_WORD = re.compile(r"(?<![\w-])(None|nan|NaN|NaT|null|<NA>)(?![\w-])")
FRAMEWORK_EN = ("Select all", "Choose an option", "No options to select", "Add: ")


def raw_keys(text: str) -> list[str]:
    return [m.group(0) for m in RAW_KEY.finditer(text) if m.group(1) in PREFIXES]


def widget_texts(at) -> list[str]:
    out = []
    for kind in ("button", "text_input", "text_area", "number_input", "selectbox", "multiselect", "radio",
                 "checkbox", "toggle", "date_input", "time_input", "slider", "select_slider"):
        for w in getattr(at, kind, []):
            out.append(str(getattr(w, "label", "") or ""))
            out.append(str(getattr(w, "placeholder", "") or ""))
            for option in getattr(w, "options", None) or []:
                out.append(str(option))
    for m in at.metric:
        out += [str(m.label), str(m.value)]
    for tab in at.tabs:
        out.append(str(tab.label))
    for ex in at.expander:
        out.append(str(ex.label))
    return [s for s in out if s]


def null_cells(at) -> list[str]:
    found = []
    for frame in at.dataframe:
        df = frame.value
        if df.empty and len(df.columns):
            # Streamlit draws an empty table as the English word "empty": say what to do instead
            found.append("an empty table: " + ", ".join(map(str, df.columns[:3])))
        for column in df.columns:
            for value in df[column].tolist():
                if value is None or (isinstance(value, float) and math.isnan(value)) or \
                        str(value) in ("NaT", "<NA>", "nan", "None"):
                    found.append(f"{column}")
                    break
                if isinstance(value, str) and raw_keys(value):
                    found.append(f"{column}: {raw_keys(value)[0]}")
                    break
        found += [str(c) for c in df.columns if str(c) in ("None", "nan") or raw_keys(str(c))]
    return found


def words_problems(at, lang: str) -> list[str]:
    """Everything wrong with the words of one run, as readable lines (empty: all is well)."""
    shown = texts(at) + widget_texts(at)
    out = [f"raw catalogue key {k}" for k in sorted({k for s in shown for k in raw_keys(s)})]
    out += sorted({f"{m.group(0)} in {s[:60]!r}" for s in shown for m in NULL_WORD.finditer(s)})
    out += [f"table: {c}" for c in null_cells(at)]
    if lang == "zh":
        out += [f"framework English {e!r}" for e in sorted({e for s in shown for e in FRAMEWORK_EN if e in s})]
    return out
