"""Headless Chromium for the page checks (the system browser tools/system-deps.sh installs, driven by playwright):
where it is, how it is started, and which font families fontconfig says cover Japanese."""
from __future__ import annotations

import shutil
import subprocess

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--no-first-run", "--disable-quic"]
NO_CHROMIUM = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (make system-deps installs it)")


def japanese_fonts() -> set[str]:
    """Families fontconfig says cover Japanese (every name of each family, e.g. IPAGothic and IPAゴシック)."""
    out = subprocess.run(["fc-list", ":lang=ja", "family"], capture_output=True, text=True, check=False).stdout
    return {name.strip() for line in out.splitlines() for name in line.split(",") if name.strip()}
