"""Typed result items: one attrs class per OKX ``data`` item, generated from ``okx_v5/facts``.

The models of each python-okx module are in their own module (``okx_v5.models.account``,
``okx_v5.models.public_data``, ...: each an import of the generated code in
``okx_v5._generated.models``), imported when typed data is first asked for. Attribute
names are the OKX wire names in snake_case (``instId`` → ``inst_id``); the shared converter in
``okx_v5.converter`` maps between the two. Numbers are ``Decimal``, never
``float``; an empty string on the wire becomes ``None``, and so does a missing field.
"""

from __future__ import annotations

__all__ = ["StringList"]

StringList = list[str]
"""The item of an answer whose ``data`` is a list of lists of strings (``get_underlying``)."""
