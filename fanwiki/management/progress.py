"""A progress bar for management commands that work through many rows."""

import time


class Progress:
    """Writes "label  1,500/20,000  7%" to a command's stdout, redrawn in place on a terminal.

    Quiet below verbosity 1. On a terminal it redraws at most ten times a second;
    elsewhere (CI logs, pipes) it writes one line when the step is done.
    """

    def __init__(self, stdout, label, total, verbosity=1):
        self.stdout, self.label, self.total, self.verbosity = stdout, label, total, verbosity
        self.count = 0
        self.started = time.monotonic()
        self._last_drawn = 0.0
        self._interactive = stdout.isatty() if hasattr(stdout, "isatty") else False

    def advance(self, count=1):
        self.count += count
        now = time.monotonic()
        if self.verbosity >= 1 and self._interactive and now - self._last_drawn > 0.1:
            self._last_drawn = now
            self.stdout.write(f"\r{self._line()}", ending="")
            self.stdout.flush()

    def done(self):
        if self.verbosity < 1:
            return
        elapsed = time.monotonic() - self.started
        prefix = "\r" if self._interactive else ""
        self.stdout.write(f"{prefix}{self._line()}  {elapsed:.1f}s")

    def _line(self):
        share = f"{self.count / self.total:4.0%}" if self.total else "100%"
        return f"{self.label:<28} {self.count:>9,}/{self.total:<9,} {share}"
