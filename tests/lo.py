"""LibreOffice (headless) as a second spreadsheet application for tests.

    soffice = find_soffice_or_skip()           # skips locally, fails on CI when absent
    profile = LibreOffice profile dir (one per test session, see `libreoffice` below)
    outputs = convert(soffice, [a.xlsx, b.xlsx], "xlsx", out_dir, profile)

All files of one call go through ONE soffice process (starting LibreOffice costs a few seconds).
The `libreoffice` fixture below gives a session-wide `LibreOffice` with its own fresh profile;
a test module uses it with `from tests.lo import libreoffice  # noqa: F401`.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from macros_py.documents.pdf import (  # what kiemsat --pdf uses
    SofficeTimeout,
    find_soffice,
    run_soffice,
)

TIMEOUT = 180  # seconds for one soffice call (a cold start with a new profile takes ~5 s)


def on_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def find_soffice_or_skip() -> str:
    """soffice, or skip the test; on CI (env CI set) a missing LibreOffice is a failure."""
    soffice = find_soffice()
    if soffice:
        return soffice
    message = ("LibreOffice (soffice) not found: install it (apt-get install libreoffice-calc) "
               "or point $SOFFICE at the executable")
    if on_ci():
        pytest.fail(f"{message}; CI is set, so the LibreOffice tests must run there.", pytrace=False)
    pytest.skip(message)


class ConversionError(AssertionError):
    pass


def convert(soffice: str, files: Sequence[Path], fmt: str, out_dir: Path, profile: Path,
            timeout: float = TIMEOUT) -> list[Path]:
    """Convert `files` to `fmt` ("xlsx", "pdf", ...) in one soffice call; returns the outputs,
    in the order of `files`. Raises ConversionError (with soffice's output) when one is missing."""
    out_dir.mkdir(parents=True, exist_ok=True)
    profile.mkdir(parents=True, exist_ok=True)
    cmd = f"soffice --convert-to {fmt} --outdir {out_dir} " + " ".join(str(f) for f in files)
    try:
        code, stdout, stderr = run_soffice(soffice, files, fmt, out_dir, profile, timeout)
    except SofficeTimeout as exc:
        raise ConversionError(f"{exc}: {cmd}\nstdout: {exc.stdout}\nstderr: {exc.stderr}") from None
    suffix = fmt.split(":", 1)[0]
    outputs = [out_dir / f"{Path(f).stem}.{suffix}" for f in files]
    missing = [p for p in outputs if not p.is_file() or p.stat().st_size == 0]
    if code != 0 or missing:
        raise ConversionError(
            f"soffice exit code {code}; missing or empty: {[str(p) for p in missing]}\n"
            f"command: {cmd}\nstdout: {stdout}\nstderr: {stderr}")
    return outputs


@dataclass(frozen=True)
class LibreOffice:
    soffice: str
    profile: Path  # fresh for the test session, so no user settings or locks interfere

    def convert(self, files: Sequence[Path], fmt: str, out_dir: Path, timeout: float = TIMEOUT) -> list[Path]:
        return convert(self.soffice, files, fmt, out_dir, self.profile, timeout)


@pytest.fixture(scope="session")
def libreoffice(tmp_path_factory: pytest.TempPathFactory) -> LibreOffice:
    soffice = find_soffice_or_skip()
    return LibreOffice(soffice, tmp_path_factory.mktemp("lo_profile"))


if __name__ == "__main__":  # python tests/lo.py FMT FILE... : convert into ./lo_out
    import tempfile

    path = find_soffice()
    if not path:
        sys.exit("soffice not found")
    with tempfile.TemporaryDirectory() as tmp:
        for out in convert(path, [Path(a) for a in sys.argv[2:]], sys.argv[1], Path("lo_out"), Path(tmp)):
            print(out)
