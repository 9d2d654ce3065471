"""FakeOKX's WebSocket side answers every malformed frame as OKX does (60012, 51000) and keeps
the connection: nothing on stderr, and the next request on it is answered."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

Opener = Callable[..., Any]
"""The ``stream`` fixture: opens a client connection to the test's FakeOKX."""

TICKERS = {"channel": "tickers", "instId": "BTC-USDT"}
SUBSCRIBE = '{"op":"subscribe","args":[{"channel":"tickers","instId":"BTC-USDT"}]'
BUY = {"instId": "BTC-USDT", "tdMode": "cash", "side": "buy", "ordType": "market"}

FRAMES = {
    "not_json": "hello",
    "a_json_string": '"abc"',
    "a_json_number": "12",
    "a_json_list": "[1,2]",
    "10000_nested_lists": "[" * 10_000 + "]" * 10_000,
    "10000_nested_objects": '{"a":' * 10_000 + "1" + "}" * 10_000,
    "a_5000_digit_number": SUBSCRIBE + ',"x":' + "9" * 5000 + "}",
    "nan_id": SUBSCRIBE + ',"id":NaN}',
    "an_id_of_1e400": SUBSCRIBE + ',"id":1e400}',
    "an_object_id": SUBSCRIBE + ',"id":{"a":[1]}}',
    "a_33_character_id": SUBSCRIBE + ',"id":"' + "a" * 33 + '"}',
    "an_id_with_a_dash": SUBSCRIBE + ',"id":"a-1"}',
}


@pytest.mark.parametrize("frame", FRAMES.values(), ids=FRAMES.keys())
def test_a_frame_that_is_not_a_request_is_60012_and_the_connection_stays(
    stream: Opener, capfd: pytest.CaptureFixture[str], frame: str
) -> None:
    ws = stream("public")
    ws.send(frame)
    answer = ws.answer()
    assert (answer["event"], answer["code"], answer["msg"]) == (
        "error",
        "60012",
        f"Invalid request: {frame}",
    )
    ws.send("ping")
    assert (ws.recv(), capfd.readouterr().err) == ("pong", "")


@pytest.mark.parametrize("ident", ["order1", "1", 7])
def test_an_id_of_okx_s_form_is_echoed(stream: Opener, ident: object) -> None:
    ws = stream("public")
    ws.send({"id": ident, "op": "subscribe", "args": [TICKERS]})
    assert ws.answer()["id"] == ident


@pytest.mark.parametrize("sz", ["1e400", 1e400, "1" + "0" * 30, "abc", {"a": 1}])
def test_an_order_operation_with_a_size_out_of_range_is_51000(
    stream: Opener, capfd: pytest.CaptureFixture[str], sz: object
) -> None:
    ws = stream("private")
    assert ws.login()["code"] == "0"
    frame = json.dumps({"id": "o1", "op": "order", "args": [BUY | {"sz": sz}]})
    ws.send(frame.replace("Infinity", "1e400"))  # json.dumps writes 1e400 as Infinity
    answer = ws.answer()
    item = answer["data"][0]
    assert (answer["code"], item["sCode"], item["sMsg"]) == ("1", "51000", "Parameter sz error")
    ws.send("ping")
    assert (ws.recv(), capfd.readouterr().err) == ("pong", "")
