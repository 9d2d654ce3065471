"""OKX's WebSocket API: the streams and the order operations of ``/ws/v5``.

``okx_v5.websocket.channels`` declares every channel and operation OKX documents, generated from
``okx_v5/facts/websocket.json``; ``okx_v5.websocket.declarations`` is their shape.
"""
