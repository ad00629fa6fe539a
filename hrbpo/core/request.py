"""The app's request class: a JSON body nested too deep is refused before
anything parses it.

Python's JSON parser recurses once per level, so 100,000 brackets end in a
RecursionError (a 500) in whichever code reads the body first: webargs, Flask's
`get_json`, the idempotency check. Every one of them reads the body through
`get_data`, so the depth is measured there, once, without recursing: strings
are cut out (brackets inside them do not count), then the brackets left are
counted as they open and close, stopping at the first level past the limit.
"""
import re

from flask import Request as FlaskRequest
from werkzeug.exceptions import BadRequest

MAX_JSON_DEPTH = 32
_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_BRACKET = bytes(b for b in range(256) if b not in b"[]{}")
_STEP = {ord("["): 1, ord("{"): 1, ord("]"): -1, ord("}"): -1}


class TooDeep(BadRequest):
    def __init__(self):
        super().__init__(f"The JSON body is nested deeper than {MAX_JSON_DEPTH} levels.")


def too_deep(data: bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether arrays and objects nest deeper than `limit` in a JSON text (of any validity)."""
    depth = 0
    for bracket in _STRING.sub(b"", data).translate(None, _NOT_BRACKET):
        depth += _STEP[bracket]
        if depth > limit:
            return True
    return False


class Request(FlaskRequest):
    _depth_checked = False

    def get_data(self, cache=True, as_text=False, parse_form_data=False):
        data = super().get_data(cache=cache, as_text=as_text, parse_form_data=parse_form_data)
        if not self._depth_checked and self.is_json:
            raw = data.encode() if isinstance(data, str) else data
            if too_deep(raw):
                raise TooDeep()
            self._depth_checked = True
        return data
