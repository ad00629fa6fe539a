from flask import render_template
from werkzeug.exceptions import HTTPException
from werkzeug.http import HTTP_STATUS_CODES


def html_error(error):
    status = error.code if isinstance(error, HTTPException) else getattr(error, "status", 500)
    detail = error.description if isinstance(error, HTTPException) else getattr(error, "detail", "")
    return render_template("error.html", status=status, title=HTTP_STATUS_CODES.get(status, "Error"),
                           detail=detail), status
