"""PDFs made for the tests, with known text on known pages."""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas


def text_pdf(path: Path, pages: list[list[str]], title: str | None = None) -> Path:
    """One page per entry; each line drawn as text. An empty entry makes a page with a drawing
    but no text layer (as a scanned page would have)."""
    c = canvas.Canvas(str(path), pagesize=A4)
    if title:
        c.setTitle(title)
    for lines in pages:
        if not lines:
            c.rect(100, 400, 300, 200, fill=1)
        y = 780
        for line in lines:
            c.setFont("Helvetica", 11)
            c.drawString(60, y, line)
            y -= 16
        c.showPage()
    c.save()
    return path


def encrypted_pdf(path: Path, source: Path, password: str = "geheim") -> Path:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(str(source)).pages:
        writer.add_page(page)
    writer.encrypt(user_password=password, owner_password=password + "-owner", algorithm="AES-128")
    with path.open("wb") as f:
        writer.write(f)
    return path
