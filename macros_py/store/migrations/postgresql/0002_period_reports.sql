-- kiemsat store, version 2: each unit's period report, sent up by the unit and sent back by the province.
-- No row: chưa gửi; state 'sent': đã gửi; state 'returned': bị trả lại (with the reason).

CREATE TABLE period_reports (
    unit_code text NOT NULL REFERENCES units (code),
    period text NOT NULL,
    state text NOT NULL CHECK (state IN ('sent', 'returned')),
    snapshot_id bigint,
    sent_at timestamptz,
    sent_by text,
    returned_at timestamptz,
    returned_by text,
    reason text,
    PRIMARY KEY (unit_code, period)
);
