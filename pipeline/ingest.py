"""Compatibility: the readers moved to ``pipeline.readers`` (one way in for every format).

``pipeline.ingest.read`` and the text reader's helpers are kept here under their old
names for code written against them; new code imports ``pipeline.readers``.
"""
from __future__ import annotations

from .readers import MAX_BYTES, MAX_LINE, decode, is_furniture, read, split_lines
from .readers.text import read_text

__all__ = ["MAX_BYTES", "MAX_LINE", "decode", "is_furniture", "read", "read_text", "split_lines"]
