"""URL slugs."""

import re


def slugify(title, sep="-"):
    """Lower-case ``title``, keep letters and digits, join the words with ``sep``.

    Runs of anything else become a single separator.
    """
    slug = re.sub(r"[^a-z0-9]", sep, title.lower())
    return slug.strip(sep)
