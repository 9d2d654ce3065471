"""``WsPrivate``: the private channels (orders, positions, account...) and orders over
WebSocket, logged in with an API key; every public channel too."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from .. import consts
from .._generated.channels import PATHS
from ..checks import check_credentials, is_given
from ..clock import MAX_AGE, clock_for
from ..exceptions import (
    OkxException,
    OkxParamsException,
    OkxRateLimitException,
    OkxTimeoutException,
)
from ..redaction import Secret, SecretText, mask_key, reveal
from ..response import OkxResponse
from ..utils import sign
from . import limits
from .client import StreamOptions, WsPublic, _Waiter
from .declarations import WsPath, channel_for, operation_for
from .link import Link, LoginRefused

if TYPE_CHECKING:
    from typing_extensions import Unpack

__all__ = ["LOGIN_PATH", "WsPrivate", "login_request"]

logger = logging.getLogger("okx_v5.websocket")

LOGIN_PATH = "/users/self/verify"
"""What OKX's WebSocket login signs: ``timestamp + "GET" + LOGIN_PATH``."""
_TIMESTAMP_CODES = ("60004", "60006")
"""Login refusals that mean "your clock is off": the clock is synced and the login retried."""


def login_request(
    api_key: str, passphrase: str | Secret, secret: str | Secret, timestamp: str
) -> SecretText:
    """OKX's login request, signed: ``{"op": "login", "args": [{apiKey, passphrase,
    timestamp, sign}]}`` as JSON text (it holds secrets: never log it; ``repr()`` shows
    ``'***'``). The secrets are revealed as arguments only, never bound to a local."""
    return SecretText(
        json.dumps(
            {
                "op": "login",
                "args": [
                    {
                        "apiKey": api_key,
                        "passphrase": reveal(passphrase),
                        "timestamp": timestamp,
                        "sign": sign(timestamp + "GET" + LOGIN_PATH, reveal(secret)).decode(),
                    }
                ],
            }
        )
    )


class WsPrivate(WsPublic):
    """OKX's WebSocket channels with an API key: private channels (``orders``,
    ``positions``, ``account``, ...) on a logged-in connection, public ones as ``WsPublic``
    streams them, and orders over WebSocket answered synchronously::

        with WsPrivate.from_env() as ws:
            ws.subscribe([{"channel": "orders", "instType": "ANY"}], callback=print)
            answer = ws.place_order([{"instId": "BTC-USDT", "tdMode": "cash", "side": "buy",
                                      "ordType": "market", "sz": "100"}])

    Each private connection logs in (signed as OKX documents, with the timestamp from the same
    clock the REST clients keep in step with OKX) and waits for OKX's answer; after a drop it
    reconnects, logs in again and resubscribes. A refused login because of the clock syncs the
    clock with OKX and tries once more.

    Arguments as ``WsPublic``, after python-okx's ``api_key``, ``api_secret_key``,
    ``passphrase`` and ``use_server_time`` (sync the clock with OKX before the first login).
    The secret and the passphrase are never logged or shown.
    """

    _has_key = True

    def __init__(
        self,
        api_key: str = "-1",
        api_secret_key: str = "-1",
        passphrase: str = "-1",
        use_server_time: bool | None = None,
        flag: str | int = "1",
        domain: str = consts.API_URL,
        debug: bool = False,
        proxy: str | None = None,
        **options: Unpack[StreamOptions],
    ) -> None:
        # Held as Secrets from the first line: a failing constructor's frame shows none.
        secret, phrase = Secret(api_secret_key), Secret(passphrase)
        del api_secret_key, passphrase
        check_credentials(api_key, secret, phrase)
        super().__init__(flag, domain, debug, proxy, **options)
        self.API_KEY = api_key
        self.use_server_time = use_server_time
        self.__secret = secret
        self.__passphrase = phrase
        self._credentials = all(map(is_given, (api_key, secret, phrase)))
        self._clock = clock_for(self.domain)

    def _repr_fields(self) -> list[str]:
        key = mask_key(self.API_KEY) if getattr(self, "_credentials", False) else None
        return [*super()._repr_fields(), f"api_key={key!r}"]

    # -- orders over WebSocket ---------------------------------------------------------------

    def place_order(
        self, args: Sequence[Mapping[str, Any]], *, timeout: float | None = None
    ) -> OkxResponse[Any]:
        """Place an order (OKX's ``order`` operation; ``args`` is a list of one order dict) and
        return OKX's answer. See ``batch_orders`` for what is raised."""
        return self._operate("order", args, timeout)

    def batch_orders(
        self, args: Sequence[Mapping[str, Any]], *, timeout: float | None = None
    ) -> OkxResponse[Any]:
        """Place up to 20 orders (``batch-orders``) and return OKX's answer.

        The request is sent once and never again: when the connection drops before OKX
        answers, ``OkxRequestException`` (``sent=True``) says it may have been done (look
        for your ``clOrdId`` with ``TradeAPI.get_order`` before sending it again);
        ``OkxTimeoutException`` when no answer came in time. Too many items, or items that
        are not order dicts, raise ``OkxParamsException`` before anything is sent.
        """
        return self._operate("batch-orders", args, timeout)

    def cancel_order(
        self, args: Sequence[Mapping[str, Any]], *, timeout: float | None = None
    ) -> OkxResponse[Any]:
        """Cancel an order (``cancel-order``; ``instId`` and ``ordId`` or ``clOrdId``)."""
        return self._operate("cancel-order", args, timeout)

    def batch_cancel_orders(
        self, args: Sequence[Mapping[str, Any]], *, timeout: float | None = None
    ) -> OkxResponse[Any]:
        """Cancel up to 20 orders (``batch-cancel-orders``)."""
        return self._operate("batch-cancel-orders", args, timeout)

    def amend_order(
        self, args: Sequence[Mapping[str, Any]], *, timeout: float | None = None
    ) -> OkxResponse[Any]:
        """Amend an order (``amend-order``: ``newSz``, ``newPx``, ...)."""
        return self._operate("amend-order", args, timeout)

    def batch_amend_orders(
        self, args: Sequence[Mapping[str, Any]], *, timeout: float | None = None
    ) -> OkxResponse[Any]:
        """Amend up to 20 orders (``batch-amend-orders``)."""
        return self._operate("batch-amend-orders", args, timeout)

    def mass_cancel(
        self, args: Sequence[Mapping[str, Any]], *, timeout: float | None = None
    ) -> OkxResponse[Any]:
        """Cancel the MMP orders of an ``instType`` and ``instFamily`` (``mass-cancel``)."""
        return self._operate("mass-cancel", args, timeout)

    def _operate(
        self, op: str, args: Sequence[Mapping[str, Any]], timeout: float | None
    ) -> OkxResponse[Any]:
        operation = operation_for(op)
        assert operation is not None, op
        path = operation.paths[0]
        items = _order_items(op, args, operation.max_items or 1)
        self._require_key(op)
        answer = self._run(self._operation(op, path, items, timeout))
        return OkxResponse(answer, operation.model_ref, method="WS", path=PATHS[path])

    async def _operation(
        self, op: str, path: WsPath, items: list[dict[str, Any]], timeout: float | None
    ) -> dict[str, Any]:
        loop = asyncio.get_running_loop()
        wait = self.timeout if timeout is None else timeout
        deadline = loop.time() + wait
        link = self._link(path)
        await self._ready(link, path, deadline)
        request_id = self._next_id()
        future: asyncio.Future[Any] = loop.create_future()
        self._waiting[request_id] = _Waiter(path, op, future)
        try:
            try:
                await link.send(
                    json.dumps({"id": request_id, "op": op, "args": items}, allow_nan=False)
                )
            except ConnectionError as exc:
                raise self._lost_error(path, op) from exc
            try:
                answer: dict[str, Any] = await asyncio.wait_for(
                    future, max(0.0, deadline - loop.time())
                )
            except asyncio.TimeoutError:
                raise OkxTimeoutException(
                    f"no answer from OKX to {op} within {wait:g} s: it may have been done; "
                    "check (e.g. get_order with your clOrdId) before sending it again",
                    method="WS",
                    path=PATHS[path],
                    sent=True,
                ) from None
            return answer
        finally:
            self._waiting.pop(request_id, None)

    # -- logging in --------------------------------------------------------------------------

    def _require_key(self, what: str) -> None:
        if not self._credentials:
            raise OkxParamsException(
                f"{what}: needs an API key; pass api_key, api_secret_key and passphrase (or "
                "set OKX_API_KEY, OKX_API_SECRET and OKX_PASSPHRASE and use from_env())",
                method=what,
            )

    def _checked_args(
        self, args: Sequence[Mapping[str, Any]] | Mapping[str, Any], op: str
    ) -> list[dict[str, Any]]:
        checked = super()._checked_args(args, op)
        if op == "subscribe":
            for arg in checked:
                channel = str(arg["channel"])
                if self._path_of(arg) != "public":
                    self._require_key(f"{op} {channel}")
                declared = channel_for(channel)
                if declared is not None and declared.conn_limited:
                    self._hold(channel)
        return checked

    def _hold(self, channel: str) -> None:
        if not limits.channel_connections.hold(self.API_KEY, channel, self):
            raise OkxRateLimitException(
                f"subscribe {channel}: refused before sending: OKX allows "
                f"{limits.channel_connections.limit} connections per sub-account on {channel}, "
                "and this process holds them all; subscribe on one of them",
                method="WS",
                path=PATHS["private"],
            )

    def unsubscribe(
        self, args: Sequence[Mapping[str, Any]] | Mapping[str, Any], *, timeout: float | None = None
    ) -> None:
        """Unsubscribe from the channels ``args``; no more of their messages are handed out."""
        super().unsubscribe(args, timeout=timeout)
        for arg in [args] if isinstance(args, Mapping) else args:
            channel = str(arg.get("channel"))
            if not self._routes.held(channel, "private"):
                limits.channel_connections.release(self.API_KEY, self, channel)

    def close(self) -> None:
        """Close every connection and end the client's threads (within a second)."""
        limits.channel_connections.release(self.API_KEY, self)
        super().close()

    def _new_link(self, path: WsPath) -> Link:
        link = super()._new_link(path)
        if path != "public" and self._credentials:
            link.login = self._login_frame
            link.login_wanted = True
            link.on_login_refused = self._login_refused
        return link

    async def _login_frame(self) -> str:
        if self.use_server_time and self._clock.stale(MAX_AGE):
            await self._sync_clock()
        timestamp = str(int(time.time() + self._clock.offset))
        return login_request(self.API_KEY, self.__passphrase, self.__secret, timestamp)

    async def _login_refused(self, refused: LoginRefused) -> bool:
        if refused.code not in _TIMESTAMP_CODES:
            return False
        logger.info(
            "login refused for the timestamp (%s); syncing the clock with OKX", refused.code
        )
        return await self._sync_clock()

    async def _sync_clock(self) -> bool:
        """Sync the domain's shared clock over REST (on a worker thread); whether it worked."""
        from ..PublicData import PublicAPI

        def sync() -> None:
            with PublicAPI(flag=self.flag, domain=self.domain, proxy=self.proxy) as api:
                api.sync_time()

        try:
            await asyncio.get_running_loop().run_in_executor(None, sync)
        except OkxException as exc:
            logger.warning("could not sync the clock with OKX: %s", exc)
            return False
        return True


def _order_items(op: str, args: object, max_items: int) -> list[dict[str, Any]]:
    """``args`` as OKX's list of order dicts, or ``OkxParamsException`` naming the problem."""
    items = [args] if isinstance(args, Mapping) else args
    if isinstance(items, (list, tuple)) and items and all(isinstance(i, Mapping) for i in items):
        if len(items) > max_items:
            raise OkxParamsException(
                f"{op}: {len(items)} items given; OKX takes at most {max_items} per request",
                method=op,
                param="args",
                value=len(items),
                allowed=f"1 to {max_items} items",
            )
        checked = [dict(item) for item in items]
        try:
            json.dumps(checked, allow_nan=False)
        except (TypeError, ValueError):
            raise OkxParamsException(
                f"{op}: args cannot be sent as JSON (a value that is not a string, number or "
                "list, or a NaN)",
                method=op,
                param="args",
            ) from None
        return checked
    raise OkxParamsException(
        f"{op}: args is {args!r}; a list of order dicts, e.g. [{{'instId': 'BTC-USDT', ...}}], "
        "is required",
        method=op,
        param="args",
        value=args,
    )
