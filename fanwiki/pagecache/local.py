"""A worker's own copies of hot pages and page parts, least recently used dropped first, within a budget."""

import threading
from collections import OrderedDict


class LocalCopies:
    def __init__(self, max_bytes):
        self.max_bytes = max_bytes
        self.size = 0
        self._items = OrderedDict()  # name -> (value, size)
        self._lock = threading.Lock()

    def get(self, name):
        with self._lock:
            item = self._items.get(name)
            if item is None:
                return None
            self._items.move_to_end(name)
            return item[0]

    def put(self, name, value, size):
        if size > self.max_bytes:
            return
        with self._lock:
            old = self._items.pop(name, None)
            if old is not None:
                self.size -= old[1]
            self._items[name] = (value, size)
            self.size += size
            while self.size > self.max_bytes:
                _, (_, dropped) = self._items.popitem(last=False)
                self.size -= dropped

    def drop(self, name):
        with self._lock:
            old = self._items.pop(name, None)
            if old is not None:
                self.size -= old[1]
