"""Writes leave the package as lean as they found it (issue 22, item 8): replacing kiemsat's own sheet
drops the old parts with their relationships and content types, and styles are reused, never appended."""

from __future__ import annotations

import posixpath
import re
import zipfile
from datetime import date
from pathlib import Path

from lxml import etree

from macros_py.ledger.reader import read_ledger
from macros_py.stats.periods import parse_period
from macros_py.stats.sheet import write_statistics_to_ledger
from macros_py.stats.summaries import compute_statistics
from macros_py.workbook.graft import resolve
from workbook_templates.builder import create_ledger

TODAY = date(2026, 6, 1)
WRITES = 50
_R = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"


def shape(path: Path) -> dict:
    """The package's parts, content-type overrides and style list sizes."""
    with zipfile.ZipFile(path) as z:
        styles = z.read("xl/styles.xml").decode()
        types = z.read("[Content_Types].xml").decode()
        names = sorted(z.namelist())
        counts = {tag: len(re.findall(rf"<{tag}\b", styles)) for tag in ("font", "fill", "border", "xf", "numFmt")}
        return {"parts": names, "overrides": sorted(re.findall(r'PartName="([^"]+)"', types)), **counts,
                "unreached": unreached(z)}


def unreached(z: zipfile.ZipFile) -> list[str]:
    """Parts no relationship reaches from the package root (left behind by a write)."""
    names = set(z.namelist())
    seen, todo = set(), ["_rels/.rels"]
    while todo:
        rels = todo.pop()
        owner = posixpath.join(posixpath.dirname(posixpath.dirname(rels)), posixpath.basename(rels)[:-5])
        for r in etree.fromstring(z.read(rels)).iter(_R):
            if r.get("TargetMode") == "External":
                continue
            target = resolve(owner if owner else "", r.get("Target")) if not rels.startswith("_rels/") else \
                r.get("Target").lstrip("/")
            if target in names and target not in seen:
                seen.add(target)
                sub = posixpath.join(posixpath.dirname(target), "_rels", posixpath.basename(target) + ".rels")
                if sub in names:
                    seen.add(sub)
                    todo.append(sub)
    return sorted(n for n in names - seen - {"[Content_Types].xml", "_rels/.rels"})


def test_stats_write_fifty_times_leaves_what_one_write_leaves(tmp_path):
    path = tmp_path / "so.xlsx"
    create_ledger(path, sample=15, today=TODAY)
    stats = compute_statistics(read_ledger(path), parse_period("2026-H1"), TODAY)
    before = shape(path)
    write_statistics_to_ledger(path, stats, keep=0)
    once = shape(path)
    assert once["unreached"] == [] and before["unreached"] == []
    assert len(once["parts"]) > len(before["parts"])  # the sheet, its drawing and charts came in
    for _ in range(WRITES - 1):
        write_statistics_to_ledger(path, stats, keep=0)
    assert shape(path) == once
    ledger = read_ledger(path)
    assert "Thống kê" in [n for n in zipfile.ZipFile(path).read("xl/workbook.xml").decode().split('"')]
    assert ledger.errors == []
