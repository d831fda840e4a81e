"""URL slugs."""

import re
import unicodedata


def slugify(title, sep="-"):
    """Lower-case ``title``, keep letters and digits, join the words with ``sep``.

    Runs of anything else become a single separator.
    """
    # Letters with accents keep their base letter ("Café" -> "cafe").
    title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]", sep, title.lower())
    return slug.strip(sep)
