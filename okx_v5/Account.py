"""Account endpoints (signed), as in python-okx's ``okx.Account``."""

from __future__ import annotations

import warnings

from .endpoints import LEVERAGE_INFO, MARGIN_MODE
from .models import LeverageInfo
from .okxclient import OkxClient
from .params import Ids, Invalid
from .response import OkxResponse

__all__ = ["AccountAPI"]


class AccountAPI(OkxClient):
    """Client for the OKX account endpoints; needs an API key."""

    def get_leverage(
        self,
        mgnMode: str | None = None,
        ccy: Ids = "",
        instId: Ids = "",
        *,
        validate: bool = True,
    ) -> OkxResponse[LeverageInfo]:
        """Return the leverage per instrument (or currency), margin mode and position side.

        ``GET /api/v5/account/leverage-info`` — 20 requests / 2 s per user.
        https://www.okx.com/docs-v5/en/#trading-account-rest-api-get-leverage

        Args:
            mgnMode: ``cross`` or ``isolated``.
            ccy: currency or currencies (up to 20), for cross MARGIN leverage by currency.
            instId: instrument ID or Ids (up to 20); one of ``instId`` and ``ccy`` is needed.
            validate: ``False`` sends the parameters unchecked.
        """
        mgnMode, ccy, instId = _legacy_order(mgnMode, ccy, instId)
        return self._call(LEVERAGE_INFO, validate, instId=instId, mgnMode=mgnMode, ccy=ccy)


def _is_margin_mode(value: object) -> bool:
    try:
        MARGIN_MODE(value)
    except Invalid:
        return False
    return True


def _legacy_order(mgn_mode: str | None, ccy: Ids, inst_id: Ids) -> tuple[str | None, Ids, Ids]:
    # python-okx before 0.3.4 had get_leverage(instId, mgnMode): serve such calls, and say so.
    if not inst_id and not _is_margin_mode(mgn_mode) and _is_margin_mode(ccy):
        warnings.warn(
            "get_leverage(instId, mgnMode) is the argument order of python-okx < 0.3.4; "
            "call get_leverage(mgnMode, instId=...) instead",
            DeprecationWarning,
            stacklevel=3,
        )
        return ccy if isinstance(ccy, str) else None, "", mgn_mode
    return mgn_mode, ccy, inst_id
