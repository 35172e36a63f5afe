-- kiemsat store, version 1: units, their snapshots, the rows of the current snapshot and its deadlines.
-- A unit is known by its «Mã sổ» (units.code): renaming the unit keeps its history.

CREATE TABLE units (
    code TEXT NOT NULL PRIMARY KEY,
    unit_name TEXT NOT NULL,
    ledger_title TEXT NOT NULL,
    parent_unit TEXT,
    current_snapshot INTEGER,
    first_published TEXT NOT NULL,
    last_published TEXT NOT NULL
);

CREATE TABLE snapshots (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    unit_code TEXT NOT NULL REFERENCES units (code),
    unit_name TEXT NOT NULL,
    ledger_title TEXT NOT NULL,
    file_name TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    published_at TEXT NOT NULL,
    as_of DATE NOT NULL,
    kiemsat_version TEXT NOT NULL,
    format INTEGER NOT NULL,
    settings TEXT NOT NULL,
    sheets TEXT NOT NULL,
    problems TEXT NOT NULL,
    row_count INTEGER NOT NULL,
    deadline_count INTEGER NOT NULL,
    error_count INTEGER NOT NULL
);
CREATE INDEX snapshots_unit ON snapshots (unit_code, published_at);

CREATE TABLE ledger_rows (
    unit_code TEXT NOT NULL REFERENCES units (code),
    snapshot_id INTEGER NOT NULL REFERENCES snapshots (id),
    sheet TEXT NOT NULL,
    row_no INTEGER NOT NULL,
    data TEXT NOT NULL,
    extra TEXT,
    PRIMARY KEY (unit_code, sheet, row_no)
);

CREATE TABLE deadlines (
    unit_code TEXT NOT NULL REFERENCES units (code),
    snapshot_id INTEGER NOT NULL REFERENCES snapshots (id),
    seq INTEGER NOT NULL,
    sheet TEXT NOT NULL,
    row_no INTEGER NOT NULL,
    kind TEXT NOT NULL,
    case_ref TEXT,
    person TEXT,
    due DATE NOT NULL,
    done BOOLEAN NOT NULL,
    lapses BOOLEAN NOT NULL,
    prosecutor TEXT,
    leader TEXT,
    data TEXT NOT NULL,
    PRIMARY KEY (unit_code, seq)
);
CREATE INDEX deadlines_due ON deadlines (due) WHERE NOT done;
