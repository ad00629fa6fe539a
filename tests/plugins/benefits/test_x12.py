"""The carrier feed: X12 834 files that pyx12 accepts."""
import io
import re

import pyx12.error_handler
import pyx12.params
import pyx12.x12n_document


def validate(text: str) -> tuple[bool, str]:
    """pyx12's verdict on an X12 document, with its 999 acknowledgement for the failure message."""
    ack = io.StringIO()
    ok = pyx12.x12n_document.x12n_document(pyx12.params.params(), io.StringIO(text), ack, None)
    return ok, ack.getvalue()


def test_full_file_validates_with_dependants(ben, open_window):
    window, medical, dental = open_window
    spouse = ben.dependent("spouse", national_id="987-65-4321")
    child = ben.dependent("child", born="2015-06-07", first_name="Kid")
    r = ben.enrol(window["id"], [
        {"plan_id": medical["id"], "tier": "family", "dependent_ids": [spouse["id"], child["id"]]},
        {"plan_id": dental["id"], "tier": "employee", "dependent_ids": []}])
    assert r.status_code == 201, r.get_json()
    r = ben.kit.hr.get(ben.url(f"/exports/834?window_id={window['id']}"))
    assert r.status_code == 200, r.get_json()
    assert r.mimetype == "application/edi-x12" and "attachment" in r.headers["Content-Disposition"]
    text = r.get_data(as_text=True)
    ok, ack = validate(text)
    assert ok, text + "\n" + ack
    assert text.count("ISA*") == 2  # one interchange per carrier
    assert "INS*N*01*030" in text and "INS*N*19*030" in text and "HD*030**HLT*GOLD PPO*FAM" in text
