"""A bounded, thread-safe memo where concurrent callers of one key wait for one computation.

Streamlit runs each session's script in its own thread: without the wait, a visitor arriving
while the warm-up still loads the data would load it a second time, on the same GIL. Used for
the data sets and views (geo.dataset), each data version's record table (geo.view) and each
version's worked-out markers (geo.maps.records).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Generic, TypeVar

V = TypeVar("V")


class Memo(Generic[V]):
    """At most ``size`` values, the least recently used dropped first."""

    def __init__(self, size: int):
        self.size = size
        self.items: OrderedDict[object, V] = OrderedDict()
        self.guard = threading.Lock()
        self.locks: dict[object, threading.Lock] = {}

    def get(self, key: object, make: Callable[[], V]) -> V:
        """The value kept for ``key``, made by ``make()`` (once, whoever else asks meanwhile)."""
        with self.guard:
            if key in self.items:
                self.items.move_to_end(key)
                return self.items[key]
            lock = self.locks.setdefault(key, threading.Lock())
        with lock:
            with self.guard:
                if key in self.items:
                    return self.items[key]
            value = make()
            with self.guard:
                self.items[key] = value
                self.locks.pop(key, None)
                while len(self.items) > self.size:
                    self.items.popitem(last=False)
            return value

    def clear(self) -> None:
        with self.guard:
            self.items.clear()
