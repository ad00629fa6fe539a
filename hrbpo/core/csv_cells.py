"""CSV written for people to open in a spreadsheet: a cell that starts like a
formula (=, +, -, @, tab, carriage return) is written as text, with a leading
apostrophe, so opening an export never runs what someone typed (CSV injection)."""
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value) -> str:
    """`value` as a CSV cell: None is empty, a formula-like start is quoted as text."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text
