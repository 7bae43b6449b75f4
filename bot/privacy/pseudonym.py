"""Keyed pseudonyms for erased members: an HMAC of their key with the installation's secret."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

PREFIX = "anon-"


@dataclass(frozen=True, slots=True)
class MemberKey:
    """One member of one community: `PLATFORM:COMMUNITY:USER` (`cli:cli:USER` for transcripts)."""

    platform: str
    community: str
    user: str

    @classmethod
    def parse(cls, text: str) -> MemberKey:
        """Parse `PLATFORM:COMMUNITY:USER`; raise ValueError with a precise reason."""
        parts = text.split(":", 2)
        if len(parts) != 3 or not all(part.strip() for part in parts):
            example = "discord:1234:5678 or cli:cli:lucas"
            raise ValueError(f"expected PLATFORM:COMMUNITY:USER such as {example}; got {text!r}")
        platform, community, user = (part.strip() for part in parts)
        if platform not in ("cli", "discord", "slack"):
            raise ValueError(f"expected the platform cli, discord or slack; got {platform!r}")
        return cls(platform, community, user)

    def __str__(self) -> str:
        """`platform:community:user`."""
        return f"{self.platform}:{self.community}:{self.user}"


def pseudonym(secret: bytes, member: MemberKey) -> str:
    """A stable pseudonym that cannot be traced back without the secret: `anon-` and 20 hex digits."""
    digest = hmac.new(secret, str(member).encode("utf-8"), hashlib.sha256).hexdigest()
    return PREFIX + digest[:20]
