"""What one app instance holds: its settings, database, templates and caches.

Records are immutable, so a record read once is shared until its version
changes (:class:`~remit.services.record_cache.RecordCache`; every lookup reads
the stored version, so with several server processes an entry made stale by
another process is never served); the badges of the patient list are kept per (patient, version) for
the same reason, and so are the patient page's course figure (hundreds of
milliseconds of matplotlib, the bulk of a first page view) and its rendered
body (criteria, scores, dose checks, tables: most of the time of a repeated view).
The caches are bounded, thread-safe, and sized for a registry's working set:
a cache smaller than the patients being looked at evicts every entry before
it is used again (the 64-entry cache this replaced held the figures and page
tables of 32 patients, fewer than the demo's 38). Concurrent requests for the
same missing entry compute it once (the others wait for it).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from argon2 import PasswordHasher
from fastapi.templating import Jinja2Templates

from remit.config import Settings
from remit.interop.deidentify import DeidentificationKeys
from remit.services.record_cache import RecordCache
from remit.services.web_database import WebDatabase
from remit.web.settings import WebSettings

FIGURES = 512
"""Course figures kept (PNG, 50-100 kB each at the page's size: at most about 50 MB)."""

PAGES = 512
"""Rendered patient-page bodies kept (20-60 kB of HTML each: at most about 30 MB)."""

K = TypeVar("K")
V = TypeVar("V")


class Lru(Generic[K, V]):
    def __init__(self, size: int) -> None:
        self._size = size
        self._items: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()
        self._making: dict[K, threading.Lock] = {}

    def get(self, key: K) -> V | None:
        with self._lock:
            if key not in self._items:
                return None
            self._items.move_to_end(key)
            return self._items[key]

    def put(self, key: K, value: V) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)

    def get_or_make(self, key: K, make: Callable[[], V]) -> V:
        found = self.get(key)
        if found is not None:
            return found
        with self._lock:
            making = self._making.setdefault(key, threading.Lock())
        with making:  # one thread makes it; the others wait, then find it
            found = self.get(key)
            if found is None:
                try:
                    found = make()
                    self.put(key, found)
                finally:
                    with self._lock:
                        self._making.pop(key, None)
        return found

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)


@dataclass
class AppState:
    settings: Settings
    web: WebSettings
    db: WebDatabase
    templates: Jinja2Templates
    hasher: PasswordHasher
    keys: DeidentificationKeys
    records: RecordCache = field(default_factory=RecordCache)
    badges: Lru[tuple[str, int, object], object] = field(default_factory=lambda: Lru(4096))
    derived: Lru[tuple[object, ...], object] = field(default_factory=lambda: Lru(2048))
    figures: Lru[tuple[str, int, bool], bytes] = field(default_factory=lambda: Lru(FIGURES))
    pages: Lru[tuple[object, ...], str] = field(default_factory=lambda: Lru(PAGES))
