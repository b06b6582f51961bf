"""The PDF makers on plain data, without a store: text a person typed is printed as text, both
languages print labels (never catalogue keys), and the amount in capitals sits beside the figure."""
from datetime import date

import pytest

from documents import render
from documents.papers import Paper, Receipt, ReceiptLine
from documents.pdf import receipt_pdf
from pdf_check import flat, no_raw_keys, pdf_text, save_first_page

EVIL = "<b>王</b><script>alert(1)</script>"


def _receipt(owner: str = "王伟") -> tuple[Paper, Receipt]:
    paper = Paper("翠湖物业服务有限公司", "收款收据", "SJ-2026-0000001", "SZ01-2026-000123", date(2026, 5, 3), "翠湖园")
    return paper, Receipt("SZ01-2026-000123", "3-1906", owner, date(2026, 5, 3), "cash", "前台小陈", 100520,
                          (ReceiptLine("property", "2026-04", 100520),), 0, 0)


def test_typed_text_is_set_as_text_never_as_markup():
    paper, receipt = _receipt(EVIL)
    html = render.html("receipt.html", "zh", paper=paper, receipt=receipt)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert EVIL in flat(pdf_text(receipt_pdf(paper, receipt)))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_both_languages_print_labels_and_the_capitals(lang):
    paper, receipt = _receipt()
    pdf = receipt_pdf(paper, receipt, lang)
    text = flat(pdf_text(pdf))
    assert no_raw_keys(text) == [] and "壹仟零伍元贰角整" in text and "1,005.20" in text
    save_first_page(pdf, f"receipt_plain_{lang}")
