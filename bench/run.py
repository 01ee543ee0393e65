"""`make bench`: run every benchmark in bench/ (bench_*.py) one after the other.

`--quick` is passed through for spot checks. Exit status 1 when any benchmark misses its
target or fails.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str]) -> int:
    status = 0
    for script in sorted(HERE.glob("bench_*.py")):
        print(f"== {script.name} {' '.join(argv)}", flush=True)
        result = subprocess.run([sys.executable, str(script), *argv], check=False)
        status = status or (1 if result.returncode else 0)
    return status


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
