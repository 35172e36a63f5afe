"""Where the core finds the files that ship in `workbook_templates/` (the one resource lookup).

The core never imports a builder: it asks `importlib.resources` for the data package's files, so
an installed wheel, an editable checkout and a unit's copy all resolve the same way.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

TEMPLATES_PACKAGE = "workbook_templates"
DECISIONS_FOLDER = "decisions"  # the decision templates (.docx) inside the package
LEDGER_TEMPLATE = "so_theo_doi.xlsx"


def template_file(*parts: str) -> Path:
    """The shipped file `workbook_templates/<parts...>` as a path on disk."""
    return Path(str(files(TEMPLATES_PACKAGE).joinpath(*parts)))


def decision_template(name: str, folder: Path | None = None) -> Path:
    """The decision template `name`: in `folder` when the unit keeps its own edited copy, else ours."""
    if folder is not None and (Path(folder) / name).is_file():
        return Path(folder) / name
    return template_file(DECISIONS_FOLDER, name)
