-- A small clinic's database, with the mistakes KollGuard finds in real ones.
-- Every name and row here is made up.

CREATE ROLE clinic_app LOGIN PASSWORD 'demo-app-not-a-secret';
CREATE ROLE dr_smith LOGIN SUPERUSER PASSWORD 'demo-dr-not-a-secret';      -- a person working as superuser
CREATE ROLE frontdesk LOGIN PASSWORD 'demo-desk-not-a-secret';             -- one login shared by the front desk
CREATE ROLE analytics LOGIN BYPASSRLS PASSWORD 'demo-bi-not-a-secret';     -- skips row-level security
ALTER ROLE analytics SET idle_in_transaction_session_timeout = 0;          -- switches automatic logoff off
CREATE ROLE breakglass NOLOGIN;                                            -- emergency access, enabled on demand
SET password_encryption = 'md5';
CREATE ROLE legacy_billing LOGIN PASSWORD 'demo-billing-not-a-secret';     -- an md5 hash left behind
RESET password_encryption;

CREATE SCHEMA ehr AUTHORIZATION clinic_app;
CREATE TABLE ehr.patients (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    clinic_id     int  NOT NULL,
    full_name     text NOT NULL,
    date_of_birth date NOT NULL,
    mrn           text NOT NULL UNIQUE,
    phone         text
);
CREATE TABLE ehr.encounters (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    clinic_id  int    NOT NULL,
    patient_id bigint NOT NULL REFERENCES ehr.patients,
    seen_at    timestamptz NOT NULL,
    diagnosis  text
);
ALTER TABLE ehr.patients OWNER TO clinic_app;
ALTER TABLE ehr.encounters OWNER TO clinic_app;
INSERT INTO ehr.patients (clinic_id, full_name, date_of_birth, mrn, phone) VALUES
    (1, 'Test Patient One', '1970-01-01', 'MRN-0001', '555-0100'),
    (2, 'Test Patient Two', '1980-02-02', 'MRN-0002', '555-0101');
GRANT USAGE ON SCHEMA ehr TO frontdesk, analytics;
GRANT SELECT ON ALL TABLES IN SCHEMA ehr TO frontdesk, analytics;

-- The scanner's own least-privilege login: it can read settings and the
-- pg_hba rules, but not pg_authid, so the md5-hash check will say "unknown".
CREATE ROLE kollguard LOGIN IN ROLE pg_monitor, pg_read_all_settings;
GRANT SELECT ON pg_hba_file_rules TO kollguard;
GRANT EXECUTE ON FUNCTION pg_hba_file_rules() TO kollguard;
