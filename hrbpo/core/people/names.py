"""Search keys for names: what a person types ("ase odegard") matches what
is stored ("Åse Ødegård") on every database, without collations or
extensions. The key is kept in a column next to the name (`Employee.name_key`)."""
import unicodedata

# Letters NFKD does not split into a base letter and a mark.
_LETTERS = str.maketrans({"ø": "o", "æ": "ae", "œ": "oe", "đ": "d", "ð": "d", "þ": "th", "ł": "l", "ı": "i",
                          "ħ": "h", "ŧ": "t"})


def search_key(text: str | None) -> str:
    """Lower-case, accent-free, single-spaced form of `text` (casefold turns ß into ss)."""
    decomposed = unicodedata.normalize("NFKD", (text or "").casefold().translate(_LETTERS))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.translate(_LETTERS).split())


def name_key(first_name: str | None, last_name: str | None) -> str:
    return search_key(f"{first_name or ''} {last_name or ''}")
