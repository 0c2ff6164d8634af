"""A custom tool for the REST tests: a Secret parameter, and every annotation kind."""
from typing import Dict, List, Literal, Optional

import hostdeck


class RestProbe:
    """Test-only tool (tests/engine/api)."""

    @staticmethod
    def login(user: str, password: hostdeck.Secret) -> dict:
        """Pretends to log in: answers the user and the password's length, never the password."""
        return {"user": user, "length": len(password)}

    @staticmethod
    def kinds(text: str, count: int, ratio: float, flag: bool, names: List[str],
              labels: Dict[str, str], colour: Literal["red", "green"],
              where: hostdeck.Path = "/tmp", maybe: Optional[int] = None,
              anything=None) -> dict:
        """Echoes its arguments (one of each annotation kind)."""
        return {"text": text, "count": count, "ratio": ratio, "flag": flag, "names": names,
                "labels": labels, "colour": colour, "where": where, "maybe": maybe,
                "anything": anything}
