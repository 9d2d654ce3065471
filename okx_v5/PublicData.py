"""Public data endpoints (unsigned), as in python-okx's ``okx.PublicData``."""

from __future__ import annotations

from .endpoints import POSITION_TIERS, SERVER_TIME
from .models import PositionTier, ServerTime
from .okxclient import OkxClient
from .params import Ids
from .response import OkxResponse

__all__ = ["PublicAPI"]


class PublicAPI(OkxClient):
    """Client for the OKX public data endpoints; needs no API key."""

    def get_position_tiers(
        self,
        instType: str | None = None,
        tdMode: str | None = None,
        uly: Ids = "",
        instId: Ids = "",
        ccy: str | None = "",
        tier: str | int | None = "",
        instFamily: Ids = "",
        *,
        validate: bool = True,
    ) -> OkxResponse[PositionTier]:
        """Return the position tiers: size bounds, margin rates and maximum leverage per tier.

        ``GET /api/v5/public/position-tiers`` — 10 requests / 2 s per IP.
        https://www.okx.com/docs-v5/en/#public-data-rest-api-get-position-tiers

        Args:
            instType: ``MARGIN``, ``SWAP``, ``FUTURES`` or ``OPTION``.
            tdMode: ``cross`` or ``isolated``.
            uly: underlying(s), the legacy alias of ``instFamily`` (up to 5).
            instId: instrument ID(s) for MARGIN (up to 5); MARGIN needs ``instId`` or ``ccy``.
            ccy: margin currency, for cross MARGIN.
            tier: one tier, a positive integer.
            instFamily: instrument family or families (up to 5); SWAP/FUTURES/OPTION need
                ``instFamily`` or ``uly``.
            validate: ``False`` sends the parameters unchecked.
        """
        return self._call(
            POSITION_TIERS,
            validate,
            instType=instType,
            tdMode=tdMode,
            uly=uly,
            instFamily=instFamily,
            instId=instId,
            ccy=ccy,
            tier=tier,
        )

    def get_system_time(self) -> OkxResponse[ServerTime]:
        """Return OKX's clock (``data[0]["ts"]``, Unix milliseconds).

        ``GET /api/v5/public/time`` — 10 requests / 2 s per IP.
        https://www.okx.com/docs-v5/en/#public-data-rest-api-get-system-time
        """
        return self._call(SERVER_TIME, True)
