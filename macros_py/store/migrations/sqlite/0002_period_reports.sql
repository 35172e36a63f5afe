-- kiemsat store, version 2: each unit's period report, sent up by the unit and sent back by the province.
-- No row: chưa gửi; state 'sent': đã gửi; state 'returned': bị trả lại (with the reason).

CREATE TABLE period_reports (
    unit_code TEXT NOT NULL REFERENCES units (code),
    period TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('sent', 'returned')),
    snapshot_id INTEGER,
    sent_at TEXT,
    sent_by TEXT,
    returned_at TEXT,
    returned_by TEXT,
    reason TEXT,
    PRIMARY KEY (unit_code, period)
);
