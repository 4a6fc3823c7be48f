"""Garbage data for the bounded-report tests and the validation benchmark (one generator for both)."""

from __future__ import annotations

import random
import string
from pathlib import Path

JUNK = ["", " ", "x", "12.5.6", "-3", "1957", "2015-13-45", "china_customs", "USSR", "n/a", "\"quoted, comma\"",
        "\"two\nlines\"", "0.5", "https://", "Russia ", "exact"]


def write_garbage_csv(path: Path, size: int, seed: int = 1) -> None:
    """Overwrite ``path`` (a CSV) with about ``size`` bytes: its own header, then rows of junk of random lengths."""
    rng = random.Random(seed)
    header = path.read_text(encoding="utf-8").splitlines()[0]
    n = header.count(",") + 1           # most rows as long as the header, some shorter or longer
    block = "\n".join(",".join(rng.choice(JUNK) if rng.random() < 0.7 else
                               "".join(rng.choices(string.ascii_letters + string.digits, k=rng.randint(1, 30)))
                               for _ in range(rng.choice([n, n, n, n, n - 4, n + 4])))
                      for _ in range(2000)) + "\n"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        handle.write(header + "\n")
        for _ in range(max(1, size // len(block))):
            handle.write(block)


__all__ = ["JUNK", "write_garbage_csv"]
