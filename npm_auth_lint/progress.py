"""A progress line on stderr for scans that take longer than a second (terminals only)."""

from __future__ import annotations

import sys
import time
from types import TracebackType
from typing import TextIO

DELAY_SECONDS = 1.0
REFRESH_SECONDS = 0.1


class Progress:
    """``with Progress(enabled) as p: lint(..., progress=p.update)``; clears its line on exit."""

    def __init__(self, enabled: bool, stream: TextIO | None = None, clock=time.monotonic) -> None:
        self.enabled = enabled
        self.stream = stream or sys.stderr
        self._clock = clock
        self._start = clock()
        self._last = 0.0
        self._shown = False

    def update(self, phase: str, done: int, total: int) -> None:
        if not self.enabled:
            return
        now = self._clock()
        if now - self._start < DELAY_SECONDS or now - self._last < REFRESH_SECONDS:
            return
        self._last = now
        self._shown = True
        self.stream.write(f"\r\x1b[Knpm-auth-lint: {phase} {done}/{total} files ({now - self._start:.1f} s)")
        self.stream.flush()

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None, trace: TracebackType | None) -> None:
        if self._shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
