"""The text of a PDF the product gives, read with pypdf (pure Python: no system tool)."""

import io

from pypdf import PdfReader


def pdf_pages(content: bytes) -> list:
    return PdfReader(io.BytesIO(content)).pages


def pdf_text(content: bytes) -> str:
    """The whole text in reading order on one line, so that a name wrapped inside a
    table cell or a phrase wrapped on the page still matches."""
    return " ".join(" ".join(page.extract_text() for page in pdf_pages(content)).split())


def pdf_lines(content: bytes) -> list[str]:
    """The lines as the page shows them (layout mode keeps a table row's cells on one
    line), runs of spaces folded to one: for asking what stands on the same row."""
    return [
        " ".join(line.split())
        for page in pdf_pages(content)
        for line in page.extract_text(extraction_mode="layout").splitlines()
        if line.strip()
    ]
