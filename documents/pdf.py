"""Each document as A4 PDF bytes, set from its data (documents.papers) and its template."""
from __future__ import annotations

from datetime import date
from typing import Callable

from documents import render
from documents.papers import DefectList, Handout, Handover, Letter, Notice, Paper, Receipt, SignIn


def receipt_pdf(paper: Paper, receipt: Receipt, lang: str = "zh") -> bytes:
    return render.pdf("receipt.html", lang, paper=paper, receipt=receipt)


def notices_pdf(notices: list[Notice], period: str, pay_by: date, how_to_pay: str, lang: str = "zh",
                progress: Callable[[int, int], None] | None = None) -> bytes:
    """One PDF, one notice per page, in the order given (the services sort for the round)."""
    return render.pdf_of_many("notices.html", notices, lang, progress, period=period, pay_by=pay_by,
                              how_to_pay=how_to_pay)


def letter_pdf(paper: Paper, letter: Letter, lang: str = "zh") -> bytes:
    return render.pdf("letter.html", lang, paper=paper, letter=letter)


def handover_pdf(paper: Paper, handover: Handover, lang: str = "zh") -> bytes:
    return render.pdf("handover.html", lang, paper=paper, h=handover)


def defects_pdf(paper: Paper, defects: DefectList, lang: str = "zh") -> bytes:
    return render.pdf("defects.html", lang, paper=paper, d=defects)


def handout_pdf(paper: Paper, handout: Handout, lang: str = "zh") -> bytes:
    return render.pdf("handout.html", lang, paper=paper, s=handout)


def sign_in_pdf(paper: Paper, sheet: SignIn, lang: str = "zh") -> bytes:
    return render.pdf("signin.html", lang, paper=paper, s=sheet)
