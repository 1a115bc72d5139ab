"""How a document is drawn: a bob.documents.Document of plain text becomes a PDF with fpdf2.

The text font is DejaVu Sans (shipped in bob/fonts, with its license): PDF's built-in fonts
know Latin-1 only, and customer names need not be Latin-1: DejaVu covers the Latin, Greek
and Cyrillic scripts (Łódź, Αθήνα, Москва), not Chinese or Japanese.
"""

from pathlib import Path

from fpdf import FPDF
from fpdf.fonts import FontFace

from bob.documents import Document, Table

FONTS = Path(__file__).with_name("fonts")
FAMILY = "DejaVu"
MARGIN = 15  # millimetres


def _section(pdf: FPDF, heading: str) -> None:
    pdf.ln(4)
    pdf.set_font(FAMILY, "B", 11)
    pdf.cell(0, 6, heading, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, "", 9)


def _parties(pdf: FPDF, parties: tuple[tuple[str, tuple[str, ...]], ...]) -> None:
    width = pdf.epw / max(len(parties), 1)
    top = pdf.get_y()
    bottom = top
    for n, (heading, lines) in enumerate(parties):
        pdf.set_xy(pdf.l_margin + n * width, top)
        pdf.set_font(FAMILY, "B", 10)
        pdf.multi_cell(width, 5, heading, new_x="LEFT", new_y="NEXT")
        pdf.set_font(FAMILY, "", 9)
        pdf.multi_cell(width - 4, 4.5, "\n".join(lines), new_x="LEFT", new_y="NEXT")
        bottom = max(bottom, pdf.get_y())
    pdf.set_xy(pdf.l_margin, bottom)


def _pairs(pdf: FPDF, pairs: tuple[tuple[str, str], ...], *, right: bool) -> None:
    """Label and value side by side; totals sit at the right, facts at the left."""
    label_width, value_width = 70, 35
    for label, value in pairs:
        pdf.set_x(pdf.l_margin + pdf.epw - label_width - value_width if right else pdf.l_margin)
        pdf.set_font(FAMILY, "", 9)
        pdf.cell(label_width, 5, label, align="R" if right else "L")
        pdf.set_font(FAMILY, "B", 9)
        pdf.cell(value_width, 5, value, align="R" if right else "L",
                 new_x="LMARGIN", new_y="NEXT")


def _table(pdf: FPDF, table: Table) -> None:
    _section(pdf, table.title)
    pdf.set_font(FAMILY, "", 8)
    with pdf.table(col_widths=table.widths, text_align=tuple(table.align),
                   borders_layout="HORIZONTAL_LINES", line_height=5, padding=(1, 1),
                   headings_style=FontFace(emphasis="BOLD")) as drawn:
        for cells in (table.headings, *table.rows):
            row = drawn.row()
            for text in cells:
                row.cell(text)


def render(document: Document) -> bytes:
    """The document as PDF bytes (US Letter)."""
    pdf = FPDF(format="Letter")
    pdf.set_title(document.title)
    pdf.set_margins(MARGIN, MARGIN)
    pdf.set_auto_page_break(True, margin=MARGIN)
    pdf.add_font(FAMILY, "", FONTS / "DejaVuSans.ttf")
    pdf.add_font(FAMILY, "B", FONTS / "DejaVuSans-Bold.ttf")
    pdf.add_page()
    pdf.set_font(FAMILY, "B", 18)
    pdf.cell(0, 10, document.title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, "", 11)
    pdf.cell(0, 6, document.subtitle, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    _parties(pdf, document.parties)
    pdf.ln(4)
    _pairs(pdf, document.facts, right=False)
    for table in document.tables:
        _table(pdf, table)
    pdf.ln(3)
    _pairs(pdf, document.totals, right=True)
    for heading, paragraphs in document.notes:
        _section(pdf, heading)
        for paragraph in paragraphs:
            pdf.multi_cell(0, 4.5, paragraph, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
