"""The confirmation PDF in Hindi and Urdu: embedded Noto faces, shaped text,
Urdu right to left; English with the core fonts when the faces are missing."""
import io
import os
import re

import pytest
from pypdf import PdfReader

NOTO = "/usr/share/fonts/truetype/noto"  # the default HRBPO_PDF_FONT_DIR


def _statement(ben, operator, locale, window, plan):
    assert operator.patch(f"/api/v1/tenants/{ben.kit.slug}", json={"locale": locale}).status_code == 200
    enrolment = ben.enrol(window["id"], [{"plan_id": plan["id"], "tier": "employee", "dependent_ids": []}])
    r = ben.kit.employee.get(ben.url(f"/enrollments/{enrolment.get_json()['id']}/statement.pdf"))
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(r.data))
    fonts = {str(f["/BaseFont"]) for f in reader.pages[0]["/Resources"]["/Font"].values()}
    return reader.pages[0].extract_text(), fonts


def _letters(text):
    """Text without spaces and the control characters text extraction puts in for
    shaped glyphs (conjuncts, reordered vowel signs): the letters, in reading order."""
    return re.sub(r"[\x00-\x1f\s]", "", text)


@pytest.mark.skipif(not os.path.isdir(NOTO), reason="no Noto fonts (apt-get install fonts-noto-core)")
@pytest.mark.parametrize("locale, title, tier, face", [
    ("hi", "लाभ पुष्टि विवरण", "केवल कर्मचारी", "NotoSansDevanagari"),
    ("ur", "مراعات کی تصدیقی دستاویز", "صرف ملازم", "NotoNaskhArabic"),
])
def test_statement_pdf_reads_in_hindi_and_urdu(ben, open_window, operator, locale, title, tier, face):
    window, medical, _ = open_window
    text, fonts = _statement(ben, operator, locale, window, medical)
    letters = _letters(text)
    assert _letters(title) in letters and _letters(tier) in letters, text
    assert "Gold PPO" in text and "1,200.00" in text and "???" not in text, text  # not Latin-1's replacements
    assert any(f.endswith("+" + face) for f in fonts) and any(f.endswith("+NotoSans") for f in fonts), fonts
    # Extraction reads left to right: in Urdu each label comes after (right of) its value.
    facts = next(line for line in text.splitlines() if "Erin Ben-A" in line)
    assert facts.strip().startswith("Erin") if locale == "ur" else facts.strip().endswith("Erin Ben-A"), facts


def test_statement_pdf_falls_back_to_english_without_the_fonts(app, ben, open_window, operator, tmp_path, caplog):
    window, medical, _ = open_window
    folder, app.config["HRBPO_PDF_FONT_DIR"] = app.config["HRBPO_PDF_FONT_DIR"], str(tmp_path)
    try:
        text, fonts = _statement(ben, operator, "hi", window, medical)
    finally:
        app.config["HRBPO_PDF_FONT_DIR"] = folder
    assert "Benefits confirmation statement" in text and "Employee only" in text
    assert "NotoSansDevanagari-Regular.ttf" in caplog.text and str(tmp_path) in caplog.text
    assert fonts == {"/Helvetica", "/Helvetica-Bold"}
