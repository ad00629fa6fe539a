"""JSON responses through orjson: one C call per response instead of the
standard library's pure-Python-driven encoder, whose string escaping was a
tenth of a list request's CPU.

The output is the JSON Flask's own provider gives, but for non-ASCII text,
which goes out as UTF-8 instead of `\\u` escapes: keys in insertion order,
UUIDs and decimals as strings, non-string keys as strings, and dates and
datetimes that reach it raw formatted by Flask (HTTP dates; the schemas give
ISO 8601 strings before that). What orjson refuses (integers beyond 64 bits,
say, echoed back from a bad request body) goes through Flask's provider.
Parsing stays Flask's.
"""
import orjson
from flask.json.provider import DefaultJSONProvider

_OPTIONS = orjson.OPT_NON_STR_KEYS | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS


class OrjsonProvider(DefaultJSONProvider):
    sort_keys = False  # fields in the order the schemas declare them (id first)

    def dumps(self, obj, **kwargs) -> str:
        indent, sort_keys = kwargs.get("indent"), kwargs.get("sort_keys", self.sort_keys)
        if set(kwargs) <= {"indent", "sort_keys", "separators"}:  # nothing orjson lacks an option for
            try:
                return orjson.dumps(obj, default=self.default, option=_options(indent, sort_keys)).decode()
            except orjson.JSONEncodeError:
                pass
        return super().dumps(obj, **kwargs)

    def response(self, *args, **kwargs):
        obj = self._prepare_response_obj(args, kwargs)
        indent = self.compact is False or (self.compact is None and self._app.debug)
        try:
            body = orjson.dumps(obj, default=self.default, option=_options(indent, self.sort_keys) | orjson.OPT_APPEND_NEWLINE)
        except orjson.JSONEncodeError:
            return super().response(obj)
        return self._app.response_class(body, mimetype=self.mimetype)


def _options(indent, sort_keys) -> int:
    return _OPTIONS | (orjson.OPT_INDENT_2 if indent else 0) | (orjson.OPT_SORT_KEYS if sort_keys else 0)
