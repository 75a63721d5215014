-- PostgreSQL for unknot (issue 20): run as the postgres user, `psql -f deploy/postgresql.sql`,
-- after changing both passwords. Two roles: `unknot_owner` owns the tables and runs the
-- migrations (`unknot db upgrade`); the app processes connect as `unknot_app`, which may read
-- and write the records but may not change or remove a row of the audit log.
CREATE ROLE unknot_owner LOGIN PASSWORD 'CHANGE-ME-OWNER';
CREATE ROLE unknot_app LOGIN PASSWORD 'CHANGE-ME';
CREATE DATABASE unknot OWNER unknot_owner ENCODING 'UTF8' TEMPLATE template0;
\connect unknot
REVOKE ALL ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO unknot_app;
GRANT ALL ON SCHEMA public TO unknot_owner;
-- Tables the migrations make from now on: the app's rights come with them.
ALTER DEFAULT PRIVILEGES FOR ROLE unknot_owner IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO unknot_app;
ALTER DEFAULT PRIVILEGES FOR ROLE unknot_owner IN SCHEMA public
    GRANT USAGE, SELECT ON SEQUENCES TO unknot_app;
-- After the first `unknot db upgrade` (as unknot_owner), take the audit log's back:
--   REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM unknot_app;
-- (a trigger refuses them to every role as well; this makes it a permission, too).
