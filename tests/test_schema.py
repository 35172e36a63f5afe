"""The schema is the single source of truth; these checks keep it coherent."""

import re

from macros_py.ledger.schema import ALL_CHOICES, LEDGER_SHEETS, SETTINGS, Kind
from macros_py.ledger.values import fold


def test_keys_and_table_names_are_unique_identifiers():
    assert len({s.key for s in LEDGER_SHEETS}) == len(LEDGER_SHEETS)
    assert len({s.table for s in LEDGER_SHEETS}) == len(LEDGER_SHEETS)
    for spec in LEDGER_SHEETS:
        assert re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", spec.table)
        assert len(set(spec.keys)) == len(spec.keys), spec.key
        assert spec.id_column in spec.keys


def test_every_header_spelling_points_to_one_column():
    """Two columns of a sheet must never share a label or synonym once folded, or the
    reader could not tell them apart."""
    for spec in LEDGER_SHEETS:
        owner: dict[str, str] = {}
        for col in spec.columns:
            for label in {fold(x) for x in (col.label, *col.synonyms)}:
                assert owner.setdefault(label, col.key) == col.key, (spec.key, label, owner[label], col.key)


def test_sheet_names_do_not_collide():
    owner: dict[str, str] = {}
    for spec in LEDGER_SHEETS:
        for name in {fold(x) for x in (spec.title, *spec.synonyms)}:
            assert owner.setdefault(name, spec.key) == spec.key, name
        assert len(spec.title) <= 31  # Excel's limit on sheet names


def test_column_references_are_valid():
    sheets = {s.key: s for s in LEDGER_SHEETS}
    for spec in LEDGER_SHEETS:
        for col in spec.columns:
            if col.kind is Kind.CHOICE:
                assert col.choices is not None and col.choices in ALL_CHOICES
            if col.not_before:
                assert spec.column(col.not_before).kind is Kind.DATE and col.kind is Kind.DATE
            if col.references:
                sheets[col.references[0]].column(col.references[1])


def test_choice_spellings_are_unambiguous():
    for choices in ALL_CHOICES:
        owner: dict[str, str] = {}
        for value, synonyms in choices.values:
            for s in {fold(x) for x in (value, *synonyms)}:
                assert owner.setdefault(s, value) == value, (choices.name, s)


def test_settings_have_defaults_of_their_kind():
    assert [s.key for s in SETTINGS][:6] == ["unit_name", "parent_unit", "place", "doc_symbol", "alert_days",
                                            "send_time"]
    assert next(s for s in SETTINGS if s.key == "alert_days").default == 10
