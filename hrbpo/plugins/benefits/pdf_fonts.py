"""Typefaces for the confirmation PDF. The PDF core fonts write Latin-1 only,
so Hindi and Urdu statements embed Noto faces for their script (from
`HRBPO_PDF_FONT_DIR`, default Debian's fonts-noto-core folder) with Noto Sans
as the fallback for Latin names and amounts. HarfBuzz (uharfbuzz, through
fpdf2's text shaping) joins Arabic letters and forms Devanagari conjuncts and
vowel signs; without it a Hindi or Urdu PDF would be a string of unjoined,
misordered glyphs. Urdu runs right to left. When a face is missing the
statement is written in English with the core fonts, and the log says why."""
import logging
import os
from dataclasses import dataclass

from flask import current_app

log = logging.getLogger(__name__)
LATIN = ("NotoSans-Regular.ttf", "NotoSans-Bold.ttf")
# language: (regular, bold, direction, HarfBuzz script, language tag)
SCRIPTS = {
    "hi": ("NotoSansDevanagari-Regular.ttf", "NotoSansDevanagari-Bold.ttf", "ltr", "deva", "hin"),
    "ur": ("NotoNaskhArabic-Regular.ttf", "NotoNaskhArabic-Bold.ttf", "rtl", "arab", "urd"),
}
CORE_LOCALES = ("en", "nb")  # what Helvetica (Latin-1) can write


@dataclass(frozen=True)
class Typeface:
    family: str  # for pdf.set_font
    rtl: bool = False
    embedded: bool = False  # False: a core font, text must be Latin-1

    @property
    def align(self) -> str:
        return "R" if self.rtl else "L"

    def use(self, pdf, style="", size=11):
        """Choose this face before each piece of text. fpdf2 (2.8) draws a run in
        the fallback face inside q…Q, after which the PDF is back on the font
        chosen before it while fpdf2 believes its own is current, so text would
        come out in the wrong face; choosing another face first makes fpdf2
        write the choice out again."""
        if self.embedded:
            pdf.set_font("latin", style, size)
        pdf.set_font(self.family, style, size)


CORE = Typeface("Helvetica")


def font_dir() -> str:
    return current_app.config["HRBPO_PDF_FONT_DIR"]


def writable(language: str) -> bool:
    """Whether a statement can be written in `language` here (its faces are
    installed); the log says which faces are missing when they are not."""
    if language in CORE_LOCALES:
        return True
    if language not in SCRIPTS:
        return False
    missing = _missing(SCRIPTS[language][:2] + LATIN)
    if missing:
        log.warning("PDF fonts for %r missing in %s (%s): the statement is written in English", language,
                    font_dir(), ", ".join(missing))
    return not missing


def _missing(names) -> list[str]:
    return [n for n in names if not os.path.isfile(os.path.join(font_dir(), n))]


def prepare(pdf, language: str) -> Typeface:
    """Register the faces `language` needs on `pdf` and switch shaping on (the
    caller checked `writable`); the core font for languages Latin-1 writes."""
    if language not in SCRIPTS:
        return CORE
    regular, bold, direction, script, tag = SCRIPTS[language]
    folder = font_dir()
    for family, (plain, strong) in (("script", (regular, bold)), ("latin", LATIN)):
        pdf.add_font(family, "", os.path.join(folder, plain))
        pdf.add_font(family, "B", os.path.join(folder, strong))
    pdf.set_fallback_fonts(["latin"])
    pdf.set_text_shaping(use_shaping_engine=True, direction=direction, script=script, language=tag)
    return Typeface("script", rtl=direction == "rtl", embedded=True)
