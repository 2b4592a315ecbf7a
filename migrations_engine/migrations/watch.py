"""A line now and then while one step of a run takes long (a big table's ALTER, an index build):
the runner otherwise speaks only when a migration is done.

One thread per run, not per step: a history of hundreds of quick migrations pays two attribute
writes per migration. The thread sleeps while the main thread waits on the database (every
driver releases the interpreter lock there), and writes through the runner's own ``say``.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

#: Seconds a step runs before the first "still running" line, and between two such lines.
EVERY = 5.0


class Watch:
    """Says ``<what>: still running after N s`` every ``every`` seconds while a step is under way."""

    def __init__(self, say: Callable[[str], None], every: float = EVERY) -> None:
        self.say = say
        self.every = every
        self._what: Callable[[], str] | None = None
        self._since = self._last = 0.0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="migration-watch", daemon=True)

    @contextmanager
    def running(self) -> Iterator[Watch]:
        """The watching thread, for the length of a run."""
        self._thread.start()
        try:
            yield self
        finally:
            self._stop.set()
            self._thread.join()

    @contextmanager
    def step(self, what: Callable[[], str]) -> Iterator[None]:
        """Watch the body; ``what()`` names it in each line (asked then: what is under way may
        change while the body runs). The lines stop when the body ends."""
        with self._lock:
            self._what, self._since = what, time.monotonic()
            self._last = self._since
        try:
            yield
        finally:
            with self._lock:  # a line being written finishes before the caller speaks
                self._what = None

    def _watch(self) -> None:
        tick = min(self.every, 1.0)
        while not self._stop.wait(tick):
            with self._lock:
                moment = time.monotonic()
                if self._what is not None and moment - self._last >= self.every:
                    self.say(f"{self._what()}: still running after {moment - self._since:.0f} s")
                    self._last = moment
