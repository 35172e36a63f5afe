"""The layout's one direction of imports, checked over the source tree (issue 10).

Shells (`addin/`, `mailer/`) use the core (`macros_py/`); the core uses neither, and finds the
files of `workbook_templates/` through `macros_py.resources` instead of importing a builder.
Inside the core each concept package may import only the packages listed for it below, so the
graph has no cycle. Every import statement counts, including those inside functions.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
OURS = ("macros_py", "addin", "mailer", "workbook_templates")

# package -> the kiemsat packages it may import (besides itself and stdlib/third-party)
ALLOWED: dict[str, set[str]] = {
    "macros_py.ledger": set(),
    "macros_py.documents": set(),
    "macros_py.workbook": {"macros_py.ledger"},
    "macros_py.law": {"macros_py.ledger", "macros_py.workbook"},
    "macros_py.decisions": {"macros_py.ledger", "macros_py.workbook", "macros_py.documents",
                            "macros_py.resources", "macros_py.law"},  # law: an extension checked against the limits
    "macros_py.stats": {"macros_py.ledger", "macros_py.workbook", "macros_py.law", "macros_py.documents",
                        "macros_py.decisions"},  # decisions: the one list of decision types names the rows
    "macros_py.sample": {"macros_py.ledger", "macros_py.law"},
    "macros_py.store": {"macros_py", "macros_py.ledger", "macros_py.law", "macros_py.stats", "macros_py.workbook"},
    "macros_py.intake": {"macros_py.ledger", "macros_py.law", "macros_py.workbook"},  # a document becomes a row
    "macros_py.resources": set(),
    "macros_py": set(),  # macros_py/__init__.py: the version only
    "addin": set(),  # addin/__init__.py
    "mailer": {"macros_py"},
    "workbook_templates": {"macros_py"},
    "addin.xlam": {"addin.commands", "macros_py"},
    "addin.excel": {"addin.commands", "macros_py", "mailer"},
    "addin.commands": {"addin.xlam", "addin.excel", "addin.doctor", "macros_py", "mailer", "workbook_templates"},
    "addin.doctor": {"addin.xlam", "addin.commands", "addin.excel", "macros_py", "mailer"},  # excel: the server's class
}


def _module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _unit(module: str) -> str:
    """The package a module belongs to for the rules: the longest key of ALLOWED that contains it."""
    best = ""
    for key in ALLOWED:
        if (module == key or module.startswith(key + ".")) and len(key) > len(best):
            best = key
    return best or module.split(".")[0]


def _imports(path: Path, module: str) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    is_package = path.name == "__init__.py"
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".")
                base = base if is_package else base[:-1]
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            # `from pkg import sub` imports pkg.sub when sub is a module: count the finer name
            found += [(node.lineno, f"{target}.{alias.name}") for alias in node.names]
    return found


def violations(root: Path) -> list[str]:
    """Every import in `root`'s kiemsat packages that breaks ALLOWED, as 'file:line: a -> b'."""
    out = []
    for top in OURS:
        for path in sorted((root / top).rglob("*.py")):
            module = _module_name(path, root)
            unit = _unit(module)
            allowed = ALLOWED.get(unit)
            for line, target in _imports(path, module):
                if target.split(".")[0] not in OURS:
                    continue
                dest = _unit(target)
                if dest == unit or dest.startswith(unit + ".") and unit != "macros_py":
                    continue
                if allowed is None or not any(dest == a or dest.startswith(a + ".") for a in allowed):
                    out.append(f"{path.relative_to(root)}:{line}: {unit} -> {dest}")
    return out


def test_the_tree_keeps_one_direction_of_imports():
    assert violations(ROOT) == []


def test_every_package_is_known_to_the_rules():
    packages = {_module_name(p.parent / "__init__.py", ROOT)
                for top in OURS for p in (ROOT / top).rglob("__init__.py")}
    unknown = {p for p in packages if _unit(p) not in ALLOWED}
    assert not unknown, f"add these packages to ALLOWED with what they may import: {unknown}"


@pytest.mark.parametrize("where, source, expected", [
    # the core importing a shell
    ("macros_py/law/bad.py", "from mailer.service import run_once\n", "macros_py.law -> mailer"),
    ("macros_py/ledger/bad.py", "def f():\n    import addin.excel.dispatch\n", "macros_py.ledger -> addin.excel"),
    # the core importing a builder instead of the resource lookup
    ("macros_py/decisions/bad.py", "from workbook_templates.decisions import TEMPLATES_DIR\n",
     "macros_py.decisions -> workbook_templates"),
    # a relative import that climbs into another concept against the order
    ("macros_py/ledger/bad.py", "from ..law.counting import add_months\n", "macros_py.ledger -> macros_py.law"),
    ("mailer/bad.py", "from addin.commands.registry import COMMANDS\n", "mailer -> addin.commands"),
])
def test_a_broken_direction_is_caught(tmp_path, where, source, expected):
    for top in OURS:
        (tmp_path / top).mkdir()
        (tmp_path / top / "__init__.py").write_text("")
    target = tmp_path / where
    target.parent.mkdir(parents=True, exist_ok=True)
    (target.parent / "__init__.py").write_text("")
    target.write_text(source)
    found = violations(tmp_path)
    assert len(found) == 1 and found[0].endswith(expected), found
