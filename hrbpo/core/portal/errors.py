"""Error pages for browsers (the API answers problem+json instead)."""
from flask import render_template
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException

from hrbpo.core.messages import form_message

TITLES = {
    400: _l("The request was not understood"), 401: _l("Please sign in"), 403: _l("Not allowed"),
    404: _l("Page not found"), 405: _l("That does not work here"), 409: _l("That conflicts with the current state"),
    413: _l("The file is too large"), 415: _l("That kind of file cannot be used"),
    422: _l("Some values are not right"), 429: _l("Too many attempts: please wait a little"),
}
EXPLANATIONS = {
    403: _l("Your role in this organisation does not include this page."),
    404: _l("The address may be mistyped, or the page is not available to you."),
}


def html_error(error):
    status = error.code if isinstance(error, HTTPException) else getattr(error, "status", 500)
    detail = (error.description if isinstance(error, HTTPException) else getattr(error, "detail", "")) or ""
    shown = form_message(detail)
    # An English detail nobody translated would be the only English on the page: keep the page's own words.
    if str(get_locale() or "en") != "en" and shown == detail:
        shown = ""
    return render_template("error.html", status=status, title=TITLES.get(status, _l("Something went wrong")),
                           detail=shown, explanation=EXPLANATIONS.get(status, "")), status
