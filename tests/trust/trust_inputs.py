"""What the bad-input tests throw at the validators (issue 7, item 5), and the property they check."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from hypothesis import strategies as st

from core.clock import CHINA
from core.errors import DomainError
from core.i18n import EN, ZH, translate

# ---------------------------------------------------------------- what we throw at them

SQL = ["'; DROP TABLE units; --", "Robert'); DROP TABLE owners;--", "1 OR 1=1", "' OR ''='",
       "1; SELECT pg_sleep(10)", "%' AND 1=1 --", "\\'; --", "UNION SELECT password_hash FROM staff_users"]
HTML = ["<script>alert(1)</script>", '<img src=x onerror="alert(1)">', "<svg/onload=alert(1)>",
        "javascript:alert(1)", "\"><script>document.cookie</script>", "&lt;b&gt;", "<b>粗体</b>"]
ODD = ["", " ", "\x00", "\u202e3-1906", "\ufeff13812345678", "\r\n", "\t", "null", "None", "NaN", "Infinity",
       "-Infinity", "-0", "{0}", "%s%s%n", "../../etc/passwd", "\u3000", "🏠🔑", "👨‍👩‍👧‍👦", "𠀀𠀁", "ℌ", "ﬁ"]
DIGITS = ["１３８１２３４５６７８", "３－１９０６", "１２３.４５", "－１００", "１２３，４５６.７８", "٣-١٩٠٦", "١٣٨١٢٣٤٥٦٧٨",
          "١٢٣٫٤٥", "۱۲۳", "१२३", "¹²³", "①②③", "2025-０１", "٢٠٢٥-٠١", "２０２５－０１"]
MONEY = ["-0.01", "-1", "-1,000.00", "0", "0.00", "0.001", "1e3", "1E+999999", "9" * 400, "9" * 400 + ".99",
         "10000000.01", "10000000.00", "1,,2", "１２３４.５", "¥-5", "5元", "0x1F", "1_000", "+5", "5.", ".5",
         "12.345", "∞", "½"]
HUGE = ["9" * 10**5, "a" * 10**5, "测" * 10**5, "😀" * 10**5, " " * 10**5, "１" * 10**5,
        "3-19" + "0" * 10**5, "'; DROP TABLE units; --" * 5000, "<script>" * 12500]
PAYLOADS = SQL + HTML + ODD + DIGITS + MONEY + HUGE

EMOJI = st.text(alphabet=st.characters(min_codepoint=0x1F300, max_codepoint=0x1FAFF), max_size=20)
DIGITISH = st.text(alphabet="0123456789０１２３４５６７８９٠١٢٣٤٥٦٧٨٩.,-－．，¥元 ", max_size=30)
NASTY = st.one_of(st.text(), EMOJI, DIGITISH, st.sampled_from(PAYLOADS),
                  st.builds(lambda a, b: a + b, st.sampled_from(SQL + HTML), st.text(max_size=10)),
                  st.integers().map(str), st.floats(allow_nan=True, allow_infinity=True).map(str),
                  st.decimals(allow_nan=True, allow_infinity=True).map(str))
MAYBE = st.one_of(st.none(), NASTY)
DAYS = st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31))
TODAY = date(2026, 3, 15)
NOW = datetime(2026, 3, 15, 10, 30, tzinfo=CHINA)
MOMENTS = st.one_of(st.none(), st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30),
                                             timezones=st.sampled_from([CHINA, timezone.utc])),
                    st.sampled_from([NOW - timedelta(days=3650), NOW + timedelta(days=1), NOW + timedelta(minutes=4)]))


# ---------------------------------------------------------------- the property

TRIED = {"payloads": 0}


def settles(fn, *args, **kwargs):
    """A valid value, or a DomainError with a catalogue message in both languages; nothing else."""
    TRIED["payloads"] += 1
    try:
        return True, fn(*args, **kwargs)
    except DomainError as e:
        assert e.key in ZH and e.key in EN, f"{fn.__name__}: no message for {e.key}"
        for lang in ("zh", "en"):
            message = translate(e.key, lang, **dict(e.params))
            assert message and message != e.key
        return False, e
