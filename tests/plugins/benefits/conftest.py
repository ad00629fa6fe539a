"""Benefits test fixtures (defined in benefits_helpers)."""
from benefits_helpers import ben, ben_b, open_window  # noqa: F401
