"""Reading a PDF the way a person would: its text (pdftotext, Chinese included) and a picture of
its first page (pdftoppm) saved under tests/artifacts/documents/ to look at."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

ARTIFACTS = Path(__file__).resolve().parent / "artifacts" / "documents"


def pdf_text(pdf: bytes, layout: bool = False) -> str:
    args = ["pdftotext", *(["-layout"] if layout else []), "-enc", "UTF-8", "-", "-"]
    return subprocess.run(args, input=pdf, capture_output=True, check=True).stdout.decode("utf-8")


def flat(text: str) -> str:
    """The text without spaces and line breaks: a long Chinese line may wrap anywhere."""
    return re.sub(r"\s+", "", text)


def page_count(pdf: bytes) -> int:
    out = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    return int(re.search(r"^Pages:\s+(\d+)", out, re.M).group(1))


def save_first_page(pdf: bytes, name: str) -> Path:
    """tests/artifacts/documents/<name>.png (60 dpi) beside <name>.pdf."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"{name}.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-singlefile", str(ARTIFACTS / f"{name}.pdf"),
                    str(ARTIFACTS / name)], check=True)
    return ARTIFACTS / f"{name}.png"


def no_raw_keys(text: str) -> list[str]:
    """Catalogue keys printed as such (a label missing from core/i18n)."""
    return re.findall(r"\b(?:doc|docs|letter|item|method|station|loc|kind|sev|resp|defect|mstep)\.[a-z_.]+", text)
