"""Finding article links in chat messages (placeholder until the links module lands)."""


def canonical_url(url: str) -> str:
    """The canonical form of a link."""
    return url
