"""How a role named in the charter is compared with a member's roles, on every platform."""

from __future__ import annotations

import unicodedata


def role_key(role: str) -> str:
    """A role name, id or user-group handle compared without case, accents, spaces around or a leading @.

    "@Modérateurs", "modérateurs" and "MODERATEURS" are one role; charters are written by hand, in
    French as often as in English, and a missing accent must not exempt or expose anyone.
    """
    decomposed = unicodedata.normalize("NFKD", role.strip().lstrip("@")).casefold()
    return "".join(c for c in decomposed if not unicodedata.combining(c))
