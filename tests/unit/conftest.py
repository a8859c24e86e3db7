"""Unit-test helpers (fakes.py) importable by name."""
from __future__ import annotations

import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).parent))
