"""Reading an answer's body: ``read_body``, whole, within the call's size cap and deadline.

requests reads a body as it comes and keeps all of it: a server that sends more than any OKX
answer holds (or a small compressed body that inflates to gigabytes) would cost the memory it
asks for. ``read_body`` refuses a body once its decoded size passes the cap (``Refused``, which
``okx_v5.transport.failure`` turns into ``OkxResponseException``), unread beyond that, and
decodes gzip and deflate itself (``_inflated`` says why). It reads whatever ``Session.send``
returned, so it works under any session, adapter or mock.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator

import requests
import urllib3.exceptions
from urllib3 import BaseHTTPResponse

from .adapter import Deadline, Refused
from .exceptions import excerpt

__all__ = ["read_body"]

_PIECE = 2**20
"""Bytes of decoded body read at a time when the body's size is not known up front."""


def read_body(
    response: requests.Response, limit: int = 64 * 2**20, deadline: Deadline | None = None
) -> bytes:
    """Return the whole body of a streamed ``response`` and give its connection back.

    A body whose decoded size passes ``limit`` bytes is refused (``Refused``) as soon as it
    does, unread beyond that, and its connection closed; a plain body whose ``Content-Length``
    says so is refused before it is read. A urllib3 answer of known length is read in one
    piece (requests' ``.content`` joins 10 kB chunks, which holds a large body twice in
    memory); any other in pieces of at most 1 MiB decoded, with ``deadline`` checked between
    them, so a compressed bomb costs a few times the cap at most (gzip and deflate are decoded
    here, see ``_inflated``; urllib3 >= 2.6 decodes the others no further than it is asked).
    A body already read (by a hook or a cache) is returned as it is; an answer made by an
    adapter of its own is read the way requests reads it.
    """
    if not isinstance(response.raw, BaseHTTPResponse):
        content = response.content or b""
        if len(content) > limit:
            raise _too_large(response, content, limit)
        return content
    try:
        encoding = response.raw.headers.get("Content-Encoding", "identity").strip().lower()
        length = response.raw.length_remaining if encoding == "identity" else None
        if length is not None and length > limit:
            raise _too_large(response, next(response.iter_content(256), b""), limit)
        if length is not None:
            return b"".join(response.iter_content(chunk_size=None))
        piece_size = min(_PIECE, limit + 1)
        if encoding in _INFLATE:
            stream = _inflated(response.raw, encoding, piece_size)
        else:
            stream = response.iter_content(chunk_size=piece_size)
        pieces: list[bytes] = []
        size = 0
        for piece in stream:
            size += len(piece)
            if size > limit:
                raise _too_large(response, pieces[0] if pieces else piece, limit)
            pieces.append(piece)
            if deadline is not None and deadline.left() <= 0:
                # Reached only on a session of the caller's own, whose reads do not know the
                # deadline: its body is cut off between pieces.
                raise requests.ReadTimeout("the call's deadline passed while reading the answer")
        return b"".join(pieces)
    finally:
        response.close()


_INFLATE = {"gzip": 16 + zlib.MAX_WBITS, "x-gzip": 16 + zlib.MAX_WBITS, "deflate": zlib.MAX_WBITS}
"""The encodings ``_inflated`` decodes, with zlib's ``wbits`` for each."""
_RAW_PIECE = 64 * 1024


def _inflated(raw: BaseHTTPResponse, encoding: str, size: int) -> Iterator[bytes]:
    """The decoded body of a gzip or deflate answer, at most ``size`` bytes at a time.

    urllib3 decodes these itself, in bounded pieces too, but its gzip decoder (2.8) appends its
    pending input to itself whenever a gzip member ends exactly where a read stops: a body of
    many small members doubles that copy on every read until memory runs out. As urllib3
    does: gzip members are read one after the other and garbage after the first is ignored; a
    deflate body may be zlib-wrapped or raw.
    """
    try:
        yield from _inflate(raw.stream(_RAW_PIECE, decode_content=False), encoding, size)
    except zlib.error as exc:
        raise requests.exceptions.ContentDecodingError(
            f"failed to decode the {encoding} body: {exc}"
        ) from exc
    except urllib3.exceptions.ProtocolError as exc:  # as requests' iter_content tells them
        raise requests.exceptions.ChunkedEncodingError(exc) from exc
    except urllib3.exceptions.SSLError as exc:
        raise requests.exceptions.SSLError(exc) from exc


def _inflate(chunks: Iterator[bytes], encoding: str, size: int) -> Iterator[bytes]:
    wbits = _INFLATE[encoding]
    decoder = zlib.decompressobj(wbits)
    first, later_member = True, False
    for chunk in chunks:
        data = chunk
        while data:
            try:
                decoded = decoder.decompress(data, size)
            except zlib.error:
                if first and encoding == "deflate":  # raw deflate, as some servers send it
                    decoder, first = zlib.decompressobj(-zlib.MAX_WBITS), False
                    continue
                if later_member:
                    return
                raise
            first = False
            if decoded:
                yield decoded
            data = decoder.unconsumed_tail
            if decoder.eof:
                if encoding == "deflate" or not decoder.unused_data:
                    break
                data, later_member = decoder.unused_data, True
                decoder = zlib.decompressobj(wbits)
    yield decoder.flush()


def _too_large(response: requests.Response, start: bytes, limit: int) -> Refused:
    return Refused(
        f"OKX answered HTTP {response.status_code} with a body larger than {limit} bytes "
        f"(max_answer_bytes), refused unread: {excerpt(start)!r}",
        response.status_code,
        response.headers,
        start[:1024],
    )
