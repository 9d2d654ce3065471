"""okx_v5: a typed, validated, drop-in replacement for python-okx (OKX V5 REST API).

``import okx_v5.Trade as Trade`` works as ``import okx.Trade as Trade`` does, for every module
of python-okx's REST API, and every API class is here too: ``from okx_v5 import TradeAPI``.
Results are python-okx's dicts with typed attributes on top. The names below are imported on
first use, so importing okx_v5 loads none of the API modules.
"""

__version__ = "0.1.0"

# Neither typing.TYPE_CHECKING nor ``from __future__ import annotations`` (nothing here needs
# it): importing okx_v5, to read __version__ say, imports no other module.
TYPE_CHECKING = False

if TYPE_CHECKING:
    from .Account import AccountAPI
    from .Affiliate import AffiliateAPI
    from .BlockTrading import BlockTradingAPI
    from .Convert import ConvertAPI
    from .CopyTrading import CopyTradingAPI
    from .DualInvest import DualInvestAPI
    from .exceptions import (
        OkxAPIException,
        OkxException,
        OkxParamsException,
        OkxRequestException,
    )
    from .FDBroker import FDBrokerAPI
    from .Finance.EthStaking import EthStakingAPI
    from .Finance.FlexibleLoan import FlexibleLoanAPI
    from .Finance.Okusd import OkusdAPI
    from .Finance.Savings import SavingsAPI
    from .Finance.SolStaking import SolStakingAPI
    from .Finance.StakingDefi import StakingDefiAPI
    from .Funding import FundingAPI
    from .Grid import GridAPI
    from .MarketData import MarketAPI
    from .models.account import LeverageInfo
    from .models.public_data import PositionTier
    from .paging import paginate
    from .PublicData import PublicAPI
    from .response import OkxResponse
    from .SignalBot import SignalBotAPI
    from .SpreadTrading import SpreadTradingAPI
    from .Status import StatusAPI
    from .SubAccount import SubAccountAPI
    from .Trade import TradeAPI
    from .TradingData import TradingDataAPI

# Each top-level name and the module it lives in: python-okx's 22 API classes, then okx_v5's.
_HOMES = {
    "AccountAPI": ".Account",
    "AffiliateAPI": ".Affiliate",
    "BlockTradingAPI": ".BlockTrading",
    "ConvertAPI": ".Convert",
    "CopyTradingAPI": ".CopyTrading",
    "DualInvestAPI": ".DualInvest",
    "FDBrokerAPI": ".FDBroker",
    "FundingAPI": ".Funding",
    "GridAPI": ".Grid",
    "MarketAPI": ".MarketData",
    "PublicAPI": ".PublicData",
    "SpreadTradingAPI": ".SpreadTrading",
    "StatusAPI": ".Status",
    "SubAccountAPI": ".SubAccount",
    "TradeAPI": ".Trade",
    "TradingDataAPI": ".TradingData",
    "EthStakingAPI": ".Finance.EthStaking",
    "FlexibleLoanAPI": ".Finance.FlexibleLoan",
    "OkusdAPI": ".Finance.Okusd",
    "SavingsAPI": ".Finance.Savings",
    "SolStakingAPI": ".Finance.SolStaking",
    "StakingDefiAPI": ".Finance.StakingDefi",
    "SignalBotAPI": ".SignalBot",
    "LeverageInfo": ".models.account",
    "PositionTier": ".models.public_data",
    "OkxResponse": ".response",
    "paginate": ".paging",
    "OkxAPIException": ".exceptions",
    "OkxException": ".exceptions",
    "OkxParamsException": ".exceptions",
    "OkxRequestException": ".exceptions",
}

__all__ = [
    "AccountAPI",
    "AffiliateAPI",
    "BlockTradingAPI",
    "ConvertAPI",
    "CopyTradingAPI",
    "DualInvestAPI",
    "EthStakingAPI",
    "FDBrokerAPI",
    "FlexibleLoanAPI",
    "FundingAPI",
    "GridAPI",
    "LeverageInfo",
    "MarketAPI",
    "OkusdAPI",
    "OkxAPIException",
    "OkxException",
    "OkxParamsException",
    "OkxRequestException",
    "OkxResponse",
    "PositionTier",
    "PublicAPI",
    "SavingsAPI",
    "SignalBotAPI",
    "SolStakingAPI",
    "SpreadTradingAPI",
    "StakingDefiAPI",
    "StatusAPI",
    "SubAccountAPI",
    "TradeAPI",
    "TradingDataAPI",
    "__version__",
    "paginate",
]


def __getattr__(name: str) -> object:
    """Import the package's top-level names from their modules on first use."""
    if name in _HOMES:
        from importlib import import_module

        value = getattr(import_module(_HOMES[name], __name__), name)
        globals()[name] = value  # later look-ups skip this function
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    """The package's names, those not imported yet included (for ``dir()`` and completion)."""
    return sorted({*globals(), *_HOMES})
