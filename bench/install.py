"""How long a fresh install of warroom takes: a new virtualenv and `pip install .`.

Reference, measured in the same run: a new virtualenv and `pip install fastapi uvicorn`, the
web framework alone. Prints both and their ratio, and checks the standing budget (< 2 min).

    .venv/bin/python bench/install.py
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUDGET_S = 120.0


def timed_install(target: Path, *packages: str) -> float:
    began = time.monotonic()
    subprocess.run([sys.executable, "-m", "venv", str(target)], check=True)
    pip = [
        str(target / "bin" / "python"),
        "-m",
        "pip",
        "install",
        "-q",
        "--disable-pip-version-check",
    ]
    subprocess.run([*pip, *packages], check=True, stderr=subprocess.DEVNULL)
    return time.monotonic() - began


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        ours = timed_install(Path(tmp) / "warroom", str(ROOT))
        ref = timed_install(Path(tmp) / "reference", "fastapi", "uvicorn")
        smoke = subprocess.run(
            [str(Path(tmp) / "warroom" / "bin" / "warroom"), "--help"],
            capture_output=True,
            check=False,
        )
    print(f"warroom fresh install: {ours:.1f} s (venv + pip install .)")
    print(f"reference fastapi+uvicorn install: {ref:.1f} s")
    print(f"ratio: x{ours / ref:.1f}")
    ok = ours < BUDGET_S and smoke.returncode == 0
    print(
        f"budget (< {BUDGET_S:.0f} s, and the installed command runs): {'met' if ok else 'MISSED'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
