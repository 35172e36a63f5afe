-- kiemsat store, version 3: roles and row-level security.
-- kiemsat_unit: a unit's login roles are its members; each reads and writes only the rows of the units
--   that unit_roles gives its login (by «Mã sổ»).
-- kiemsat_province: reads every row; sends a period report back (state 'returned') and nothing else.
-- The store's owner (who runs the migrations) is neither and is not bound by the policies.
-- (SELECT kiemsat_my_units())::text[] in the policies: evaluated once per statement, not once per row.

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'kiemsat_unit') THEN
        CREATE ROLE kiemsat_unit NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'kiemsat_province') THEN
        CREATE ROLE kiemsat_province NOLOGIN;
    END IF;
END
$$;

CREATE TABLE unit_roles (
    role_name text NOT NULL,
    unit_code text NOT NULL,
    PRIMARY KEY (role_name, unit_code)
);
REVOKE ALL ON unit_roles FROM PUBLIC;

-- the «Mã sổ» the logged-in role may write; SECURITY DEFINER so that unit roles need no access to unit_roles,
-- session_user so that SET ROLE cannot borrow another login's units
CREATE FUNCTION kiemsat_my_units() RETURNS text[]
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path FROM CURRENT
    AS $$ SELECT coalesce(array_agg(unit_code), '{}') FROM unit_roles WHERE role_name = session_user $$;
REVOKE ALL ON FUNCTION kiemsat_my_units() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION kiemsat_my_units() TO kiemsat_unit, kiemsat_province;

GRANT SELECT ON schema_migrations TO kiemsat_unit, kiemsat_province;
GRANT SELECT, INSERT, UPDATE, DELETE ON units, snapshots, ledger_rows, deadlines, period_reports TO kiemsat_unit;
GRANT USAGE ON SEQUENCE snapshots_id_seq TO kiemsat_unit;
GRANT SELECT ON units, snapshots, ledger_rows, deadlines, period_reports TO kiemsat_province;
GRANT UPDATE (state, returned_at, returned_by, reason) ON period_reports TO kiemsat_province;

ALTER TABLE units ENABLE ROW LEVEL SECURITY;
ALTER TABLE snapshots ENABLE ROW LEVEL SECURITY;
ALTER TABLE ledger_rows ENABLE ROW LEVEL SECURITY;
ALTER TABLE deadlines ENABLE ROW LEVEL SECURITY;
ALTER TABLE period_reports ENABLE ROW LEVEL SECURITY;

CREATE POLICY unit_own ON units TO kiemsat_unit
    USING (code = ANY ((SELECT kiemsat_my_units())::text[])) WITH CHECK (code = ANY ((SELECT kiemsat_my_units())::text[]));
CREATE POLICY unit_own ON snapshots TO kiemsat_unit
    USING (unit_code = ANY ((SELECT kiemsat_my_units())::text[])) WITH CHECK (unit_code = ANY ((SELECT kiemsat_my_units())::text[]));
CREATE POLICY unit_own ON ledger_rows TO kiemsat_unit
    USING (unit_code = ANY ((SELECT kiemsat_my_units())::text[])) WITH CHECK (unit_code = ANY ((SELECT kiemsat_my_units())::text[]));
CREATE POLICY unit_own ON deadlines TO kiemsat_unit
    USING (unit_code = ANY ((SELECT kiemsat_my_units())::text[])) WITH CHECK (unit_code = ANY ((SELECT kiemsat_my_units())::text[]));
-- a unit sends its report up (state 'sent'); only the province sends it back
CREATE POLICY unit_own ON period_reports TO kiemsat_unit
    USING (unit_code = ANY ((SELECT kiemsat_my_units())::text[]))
    WITH CHECK (unit_code = ANY ((SELECT kiemsat_my_units())::text[]) AND state = 'sent');

CREATE POLICY province_reads ON units FOR SELECT TO kiemsat_province USING (true);
CREATE POLICY province_reads ON snapshots FOR SELECT TO kiemsat_province USING (true);
CREATE POLICY province_reads ON ledger_rows FOR SELECT TO kiemsat_province USING (true);
CREATE POLICY province_reads ON deadlines FOR SELECT TO kiemsat_province USING (true);
CREATE POLICY province_reads ON period_reports FOR SELECT TO kiemsat_province USING (true);
CREATE POLICY province_returns ON period_reports FOR UPDATE TO kiemsat_province
    USING (state = 'sent') WITH CHECK (state = 'returned');
