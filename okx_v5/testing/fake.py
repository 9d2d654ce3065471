"""The ``FakeOKX`` façade: a local OKX REST and WebSocket server for tests, demos and benchmarks."""

from __future__ import annotations

import ssl
from decimal import Decimal, InvalidOperation
from types import TracebackType

from okx_v5 import consts
from okx_v5.checks import ENVIRONMENT
from okx_v5.testing.calls import CCY
from okx_v5.testing.exchange import Exchange, RecordedRequest
from okx_v5.testing.faults import Fault, fault_answer
from okx_v5.testing.gateway import Gateway
from okx_v5.testing.script import Answer
from okx_v5.testing.server import HTTPServerThread
from okx_v5.testing.streams import Streams

__all__ = ["FakeOKX"]


class FakeOKX:
    """A faithful local stand-in for the OKX V5 REST and WebSocket APIs on ``127.0.0.1``.

    Serves every python-okx endpoint over keep-alive HTTP/1.1 and checks signatures,
    timestamps, the demo/live environment, parameters and rate limits as OKX does. A small
    simulated market and an account per API key answer the endpoints bots use (balance,
    positions, leverage, orders, fills, instruments, tickers, order book, candlesticks,
    funding rate); the others answer OKX's documented example::

        with FakeOKX() as okx:
            client = AccountAPI(FakeOKX.DEMO_KEY, FakeOKX.DEMO_SECRET,
                                FakeOKX.DEMO_PASSPHRASE, flag="1", domain=okx.url)

    The same host and port serve OKX's WebSocket API at ``okx.ws_url + "/ws/v5/public"`` (and
    ``/business``, ``/private``): login, subscriptions, the market's channels (tickers, trades,
    order books with ``seqId`` and checksum, candlesticks, mark price, funding rate), the accounts'
    channels (orders, positions, account, balance and position, fills) pushed as REST or WebSocket
    orders change them, and the WebSocket order operations. A demo key logs in only on a connection
    opened with the header ``x-simulated-trading: 1``. ``streams`` breaks them on purpose (drops,
    silence, refused handshakes, error answers, bad checksums, sequence gaps) and shows what they
    received.

    A malformed request never costs other connections anything: it is answered in OKX's shape,
    ``{"code", "msg", "data": []}``, with OKX's code where OKX has one (50002 for a body that is
    not a JSON object, 51000 for a parameter out of range, 51000/51016/51065 for client order
    IDs) and else the HTTP status (400 for a request that is not HTTP, 413 for a body over
    ``okx_v5.testing.server.MAX_BODY``, 431 for a huge header block); a WebSocket frame that is
    not a request is answered 60012.

    ``rate_window`` shortens the documented 2-second windows (tests; OKX's WebSocket windows
    scale alike); ``clock_offset`` moves the exchange's clock against the local one, in
    seconds; ``early_hints`` sends a ``103 Early Hints`` before every answer; ``ssl_context``
    (a server-side ``ssl.SSLContext`` with a certificate loaded) serves https and wss instead
    of http and ws; ``stream_interval`` is the seconds between market pushes.
    """

    DEMO_KEY = "fake-okx-demo-key"
    """API key registered by default, as a demo-trading key."""
    DEMO_SECRET = "fake-okx-demo-secret"
    """Secret of ``DEMO_KEY``."""
    DEMO_PASSPHRASE = "fake-okx-demo-passphrase"
    """Passphrase of ``DEMO_KEY``."""
    DEFAULT_LEVER = "10"
    """Leverage answered for any instrument whose leverage was not set."""

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        rate_limits: bool = True,
        rate_window: float = 2.0,
        clock_offset: float = 0.0,
        default_lever: str = DEFAULT_LEVER,
        early_hints: bool = False,
        ssl_context: ssl.SSLContext | None = None,
        stream_interval: float = 0.1,
    ) -> None:
        self._host = host
        self._port = port
        self._ssl_context = ssl_context
        self._exchange = Exchange(
            rate_limits=rate_limits,
            rate_window=rate_window,
            clock_offset=clock_offset,
            default_lever=default_lever,
        )
        self._exchange.early_hints = early_hints
        self._exchange.add_key(self.DEMO_KEY, self.DEMO_SECRET, self.DEMO_PASSPHRASE, demo=True)
        self._gateway = Gateway(self._exchange, time_scale=rate_window / 2.0)
        self.streams = Streams(self._gateway)
        """The WebSocket side: faults to inject, settings, and what was received (a
        ``Streams``, from ``okx_v5.testing.streams``)."""
        self.streams.interval = stream_interval
        self._server: HTTPServerThread | None = None

    # -- lifecycle -----------------------------------------------------------------------------

    def start(self) -> FakeOKX:
        """Start serving on a background thread; return ``self``. Starting twice is an error."""
        if self._server is not None:
            raise RuntimeError("FakeOKX is already running")
        self._server = HTTPServerThread(
            self._exchange, self._host, self._port, self._ssl_context, self._gateway
        )
        self._gateway.start()
        return self

    def stop(self) -> None:
        """Stop serving and close every connection, WebSocket ones included (with close code
        1001). Stopping a stopped server does nothing."""
        if self._server is not None:
            self._gateway.stop()
            self._server.stop()
            self._server = None

    def __enter__(self) -> FakeOKX:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        """Whether the server is serving."""
        return self._server is not None

    @property
    def url(self) -> str:
        """The base URL to give a client as its domain, e.g. ``http://127.0.0.1:54321``."""
        server = self._running()
        host, port = server.address
        return f"{server.scheme}://{host}:{port}"

    @property
    def ws_url(self) -> str:
        """The base URL of the WebSocket API, e.g. ``ws://127.0.0.1:54321`` (``wss://`` with an
        ``ssl_context``): connect to it + ``/ws/v5/public``, ``/ws/v5/business`` or
        ``/ws/v5/private``."""
        server = self._running()
        host, port = server.address
        return f"{'wss' if server.scheme == 'https' else 'ws'}://{host}:{port}"

    def environment(self) -> dict[str, str]:
        """The ``OKX_*`` variables that point okx_v5 at this server with its demo key.

        ``OKX_DOMAIN`` sends every client built for OKX's default host here (``from_env()``,
        python-okx-style constructors and ``okx-v5`` alike); ``OKX_API_KEY``,
        ``OKX_API_SECRET``, ``OKX_PASSPHRASE`` and ``OKX_FLAG`` are the demo-trading key's, as
        ``from_env()`` and ``okx-v5`` read them. Set them for a block with
        ``unittest.mock.patch.dict(os.environ, okx.environment())``.
        """
        values = {
            "domain": self.url,
            "api_key": self.DEMO_KEY,
            "api_secret_key": self.DEMO_SECRET,
            "passphrase": self.DEMO_PASSPHRASE,
            "flag": consts.DEMO_TRADING,
        }
        return {ENVIRONMENT[arg]: value for arg, value in values.items()}

    @property
    def port(self) -> int:
        """The port the server listens on."""
        return self._running().address[1]

    @property
    def connections(self) -> int:
        """How many TCP connections the server has accepted since it started."""
        return self._server.connections if self._server is not None else 0

    def _running(self) -> HTTPServerThread:
        if self._server is None:
            raise RuntimeError("FakeOKX is not running; use start() or a with block")
        return self._server

    # -- behaviour -----------------------------------------------------------------------------

    @property
    def clock_offset(self) -> float:
        """Seconds the exchange's clock is ahead of the local one (negative: behind)."""
        return self._exchange.clock_offset

    @clock_offset.setter
    def clock_offset(self, seconds: float) -> None:
        self._exchange.clock_offset = seconds

    @property
    def rate_limits(self) -> bool:
        """Whether the documented rate limits are enforced (HTTP 429, code 50011)."""
        return self._exchange.rate_limits

    @rate_limits.setter
    def rate_limits(self, enabled: bool) -> None:
        self._exchange.rate_limits = enabled

    @property
    def rate_limited(self) -> int:
        """How many requests were refused with HTTP 429 and ``50011`` (``reset()`` sets it to 0)."""
        return self._exchange.rate_limited

    @property
    def early_hints(self) -> bool:
        """Whether every answer, scripted or not, is preceded by a ``103 Early Hints``."""
        return self._exchange.early_hints

    @early_hints.setter
    def early_hints(self, enabled: bool) -> None:
        self._exchange.early_hints = enabled

    def server_time(self) -> int:
        """Return the exchange's clock in epoch milliseconds, as ``/public/time`` answers."""
        return int(self._exchange.now() * 1000)

    def add_key(self, key: str, secret: str, passphrase: str, demo: bool = True) -> None:
        """Register API credentials; a ``demo`` key is accepted only with the demo header."""
        self._exchange.add_key(key, secret, passphrase, demo=demo)

    def set_position_mode(self, key: str, mode: str) -> None:
        """Set an account's position mode: ``"long_short"`` (the default) or ``"net"``.

        In long/short mode SWAP and FUTURES leverage comes as a ``long`` and a ``short`` row.
        """
        self._exchange.set_position_mode(key, mode)

    def set_leverage(
        self,
        key: str,
        *,
        lever: str | int | Decimal,
        mgn_mode: str = "cross",
        inst_id: str | None = None,
        ccy: str | None = None,
        pos_side: str | None = None,
    ) -> None:
        """Set the leverage of ``inst_id`` (or of currency ``ccy``) in ``key``'s account.

        Without ``pos_side`` every side (``long``, ``short``, ``net``) gets ``lever``.
        """
        self._exchange.set_leverage(
            key, lever=lever, mgn_mode=mgn_mode, inst_id=inst_id, ccy=ccy, pos_side=pos_side
        )

    # -- the market and the accounts ----------------------------------------------------------

    def set_balance(self, key: str, ccy: str, amount: str | int | Decimal) -> None:
        """Set the cash balance of currency ``ccy`` in ``key``'s account (``"0"`` empties it).

        A new account holds ``START_BALANCES``: 10000 USDT, 1 BTC and 10 ETH.
        """
        if not CCY.fullmatch(ccy):
            raise ValueError(f"ccy must be a currency such as 'USDT', not {ccy!r}")
        self._exchange.venue.set_balance(key, ccy, _decimal("amount", amount, positive=False))

    def balances(self, key: str) -> dict[str, Decimal]:
        """The cash balances of ``key``'s account, by currency (what trades have left)."""
        return self._exchange.venue.balances(key)

    def price(self, inst_id: str) -> Decimal:
        """The price of instrument ``inst_id``: what market orders fill at."""
        return self._exchange.venue.price(inst_id)

    def set_price(self, inst_id: str, px: str | int | Decimal) -> None:
        """Set the price of ``inst_id``, a positive multiple of its ``tickSz``.

        A SPOT pair's SWAP and FUTURES (and options) follow it unless their own price was set.
        Tickers, order book and the newest candlestick follow the price, and resting limit
        orders it reaches fill at their own price.
        """
        self._exchange.venue.set_price(inst_id, _decimal("px", px, positive=True))

    def inject(
        self,
        kind: Fault | str,
        count: int = 1,
        *,
        status: int = 502,
        seconds: float = 1.0,
        path: str | None = None,
    ) -> None:
        """Break the answers to the next ``count`` requests (to ``path`` only, if given).

        ``kind`` is a ``Fault`` or its value: ``"http_5xx"`` (``status``, HTML body), ``"50001"``
        (HTTP 503, OKX JSON), ``"truncated"``, ``"empty"``, ``"delay"`` (``seconds`` before the
        normal answer) or ``"drop"`` (close without answering). A fault is a ready-made scripted
        answer: it waits in line with those of ``script``.
        """
        answer = fault_answer(kind, status=status, seconds=seconds)
        self._exchange.script.add(answer, turns=count, path=path, fault=True)

    def clear_faults(self) -> None:
        """Cancel every fault not yet used (answers queued with ``script`` stay)."""
        self._exchange.script.clear(faults_only=True)

    @property
    def pending_faults(self) -> int:
        """How many injected faults (one per ``inject`` call) still wait for requests."""
        return self._exchange.script.faults

    def script(self, *answers: Answer, path: str | None = None) -> None:
        """Answer the next requests (to ``path`` only, if given) with ``answers``, in order.

        Each request takes the first waiting answer that applies to its path, faults included;
        requests with none are answered by the exchange. ``path`` is matched without the query.
        """
        for answer in answers:
            self._exchange.script.add(answer, path=path)

    @property
    def scripted(self) -> int:
        """How many requests the waiting scripted answers (faults included) will still answer."""
        return len(self._exchange.script)

    @property
    def requests(self) -> list[RecordedRequest]:
        """A snapshot of the requests received so far, oldest first."""
        return self._exchange.requests()

    def clear_requests(self) -> None:
        """Forget the requests received so far."""
        self._exchange.clear_requests()

    def reset(self) -> None:
        """Back to a fresh state: no requests, scripted answers or faults, rate history or
        ``rate_limited`` count, clock offset, prices set, or account state (balances back to
        the start, no orders, fills or positions, leverages or position modes); no stream
        faults, received frames, ``streams.accepted`` count or WebSocket limit history.

        Registered keys, the connection count, open WebSocket connections and their
        subscriptions, and the ``rate_limits``, ``early_hints``, ``streams.interval`` and
        ``streams.zero_checksums`` settings stay.
        """
        self._exchange.reset()
        self._gateway.reset()


def _decimal(name: str, value: str | int | Decimal, *, positive: bool) -> Decimal:
    """``value`` as a finite Decimal (positive if asked); ``ValueError`` otherwise."""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise ValueError(f"{name} must be a number, not {value!r}") from None
    if not number.is_finite() or number < 0 or (positive and number == 0):
        raise ValueError(f"{name} must be a {'positive' if positive else 'non-negative'} number")
    return number
