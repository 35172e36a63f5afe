-- kiemsat store, version 1: units, their snapshots, the rows of the current snapshot and its deadlines.
-- A unit is known by its «Mã sổ» (units.code): renaming the unit keeps its history.

CREATE TABLE units (
    code text PRIMARY KEY,
    unit_name text NOT NULL,
    ledger_title text NOT NULL,
    parent_unit text,
    current_snapshot bigint,
    first_published timestamptz NOT NULL,
    last_published timestamptz NOT NULL
);

CREATE TABLE snapshots (
    id bigserial PRIMARY KEY,
    unit_code text NOT NULL REFERENCES units (code),
    unit_name text NOT NULL,
    ledger_title text NOT NULL,
    file_name text NOT NULL,
    content_hash text NOT NULL,
    published_at timestamptz NOT NULL,
    as_of date NOT NULL,
    kiemsat_version text NOT NULL,
    format integer NOT NULL,
    settings text NOT NULL,
    sheets text NOT NULL,
    problems text NOT NULL,
    row_count integer NOT NULL,
    deadline_count integer NOT NULL,
    error_count integer NOT NULL
);
CREATE INDEX snapshots_unit ON snapshots (unit_code, published_at);

CREATE TABLE ledger_rows (
    unit_code text NOT NULL REFERENCES units (code),
    snapshot_id bigint NOT NULL REFERENCES snapshots (id),
    sheet text NOT NULL,
    row_no integer NOT NULL,
    data text NOT NULL,
    extra text,
    PRIMARY KEY (unit_code, sheet, row_no)
);

CREATE TABLE deadlines (
    unit_code text NOT NULL REFERENCES units (code),
    snapshot_id bigint NOT NULL REFERENCES snapshots (id),
    seq integer NOT NULL,
    sheet text NOT NULL,
    row_no integer NOT NULL,
    kind text NOT NULL,
    case_ref text,
    person text,
    due date NOT NULL,
    done boolean NOT NULL,
    lapses boolean NOT NULL,
    prosecutor text,
    leader text,
    data text NOT NULL,
    PRIMARY KEY (unit_code, seq)
);
CREATE INDEX deadlines_due ON deadlines (due) WHERE NOT done;
