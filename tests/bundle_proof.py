"""The offline bundle, proved end to end (issue 21, item 4). Needs the package index to build; the
installs then run with the index unreachable. Too slow and too network-bound for the suite
(`tests/test_bundle.py` checks the pieces offline); run it when the bundle or a dependency changes:

    .venv/bin/python -m tests.bundle_proof OUT_DIR [--python 3.11 ...]

1. `kiemsat addin bundle --out OUT_DIR/windows` (win_amd64 and win32 wheels);
2. for each Windows platform and Python: `pip install --dry-run --no-index --find-links wheels --platform P
   --python-version V --only-binary=:all: --target ... kiemsat` resolves, and the set is closed under
   Windows' environment markers (`bundle.plan_closure`, which pip on Linux does not evaluate);
3. a Linux bundle built the same way installs into a fresh virtual environment with pip's index pointed at
   a dead loopback port and no other source, and that environment runs `kiemsat demo`.
Prints what it did and exits 1 at the first failure.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

from addin.xlam import support
from addin.xlam.bundle import WHEELS, Wheel, build_bundle, walk

DEAD_INDEX = "http://127.0.0.1:9/simple"  # the discard port: nothing answers


def offline_env() -> dict[str, str]:
    """pip with no index it can reach and no configured find-links or extra index."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    env.update(PIP_CONFIG_FILE=os.devnull, PIP_INDEX_URL=DEAD_INDEX, PIP_DISABLE_PIP_VERSION_CHECK="1",
               PIP_DEFAULT_TIMEOUT="3", PIP_RETRIES="0")
    return env


def run(cmd: list[str], **kw) -> subprocess.CompletedProcess:
    print("$", " ".join(cmd), flush=True)
    done = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if done.returncode != 0:
        print(done.stdout[-3000:], done.stderr[-3000:], sep="\n")
        sys.exit(1)
    return done


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("out", type=Path)
    parser.add_argument("--python", action="append", dest="pythons")
    args = parser.parse_args()
    pythons = tuple(args.pythons or support.PYTHON_VERSIONS)
    out = args.out.resolve()

    t0 = time.monotonic()
    win = build_bundle(out / "windows", pythons)
    print(f"windows bundle: {win.folder} ({win.wheels} wheels, {win.zip_path.stat().st_size / 1e6:.0f} MB zip) "
          f"in {time.monotonic() - t0:.0f} s")
    wheels = [Wheel.read(p) for p in (win.folder / WHEELS).glob("*.whl")]
    from macros_py import __version__

    for platform in support.WHEEL_PLATFORMS:
        for python in pythons:
            reached, missing = walk(wheels, [f"kiemsat=={__version__}"], python, platform)
            assert not missing, (platform, python, missing)
            # pip evaluates markers for this machine, whatever --platform says: name every distribution
            # Windows would install (pywin32, pywin32-ctypes, colorama...), so the dry run resolves them too
            done = run([sys.executable, "-m", "pip", "install", "--dry-run", "--no-index", "--find-links",
                        str(win.folder / WHEELS), "--platform", platform, "--python-version", python,
                        "--implementation", "cp", "--only-binary=:all:", "--target", str(out / f"t-{platform}-{python}"),
                        "--ignore-installed", f"kiemsat=={__version__}", *reached], env=offline_env())
            line = next(ln for ln in done.stdout.splitlines() if ln.startswith("Would install"))
            assert "pywin32-" in line, line
            print(f"  {platform} Python {python}: resolves offline, closed under Windows markers "
                  f"({len(line.split()) - 2} packages, pywin32 included)")

    linux = build_bundle(out / "linux", (f"{sys.version_info[0]}.{sys.version_info[1]}",), (None,))
    venv = out / "fresh-venv"
    run([sys.executable, "-m", "venv", "--clear", str(venv)])
    py = venv / "bin" / "python"
    run([str(py), "-m", "pip", "install", "--no-index", "--find-links", str(linux.folder / WHEELS), "kiemsat"],
        env=offline_env())
    demo = run([str(venv / "bin" / "kiemsat"), "demo", "--dir", str(out / "demo")], env=offline_env(), cwd=out)
    print(demo.stdout[-800:])
    print(f"linux bundle installed offline into {venv} and ran kiemsat demo; total {time.monotonic() - t0:.0f} s")


if __name__ == "__main__":
    main()
