"""Store connections for the service: one per worker thread, one writer.

A ``Store`` object belongs to one thread, and FastAPI answers requests on a
pool of threads, so each thread opens its own connection on first use.
Writes go through one lock, so the service is the store's single writer.
"""
from __future__ import annotations

import threading
from typing import Callable, TypeVar

from parley.store import Store, open_store

T = TypeVar("T")


class StorePool:
    def __init__(self, url: str, opener: Callable[..., Store] = open_store):
        self.url = url
        self._opener = opener
        self._local = threading.local()
        self._all: list[Store] = []
        self._guard = threading.Lock()
        self.write_lock = threading.Lock()

    def migrate(self) -> None:
        """Open once with migrations, so later per-thread opens need none."""
        store = self._opener(self.url, migrate=True)
        store.close()

    def get(self) -> Store:
        store = getattr(self._local, "store", None)
        if store is None:
            store = self._opener(self.url, migrate=False)
            self._local.store = store
            with self._guard:
                self._all.append(store)
        return store

    def read(self, func: Callable[[Store], T]) -> T:
        return func(self.get())

    def write(self, func: Callable[[Store], T]) -> T:
        with self.write_lock:
            return func(self.get())

    def close(self) -> None:
        with self._guard:
            stores, self._all = self._all, []
        for store in stores:
            store.close()  # SQLite connections are opened with check_same_thread=False
