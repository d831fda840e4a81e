"""URL slugs."""

import re


def slugify(title, sep="-"):
    """Lower-case ``title``, keep letters and digits, join the words with ``sep``."""
    return re.sub(r"[^a-z0-9]", sep, title.lower()).strip(sep)
