-- 015_screen_store.sql — the screening's tables, for a run's reads and
-- writes.
--
-- declaration_digest: a shorter format (store/digest.c: a day's health
-- report in ~20 bytes instead of ~60), so the digests are emptied and
-- marked stale: the next run rebuilds them all (once; ~10 s for 4.8 million
-- declarations).  In SQLite the table is also clustered on its key
-- (WITHOUT ROWID), like screen_result: a run reads every digest of the
-- school in person order, and through the key's separate index each of
-- 300,000 rows cost a second lookup into the table by rowid.
--
-- screen_result (SQLite): its CHECK on status is written with OR.  SQLite
-- evaluates `status IN ('cleared','monitor','hold')` in a CHECK by building
-- a temporary table of the three values for every row written (there is no
-- run-once guard inside a constraint): a good part of the cost of storing a
-- first run's 300,000 results.  The rows are copied as they are.
--
-- PostgreSQL keeps its tables (heaps either way; an IN list costs nothing).
DELETE FROM declaration_digest;
UPDATE declaration_digest_state
  SET complete = CASE WHEN EXISTS (SELECT 1 FROM declaration) THEN 0 ELSE 1 END;
-- @sqlite
DROP TABLE declaration_digest;
CREATE TABLE declaration_digest (
  school_id BIGINT NOT NULL REFERENCES school(id),
  person_id BIGINT NOT NULL REFERENCES person(id),
  facts TEXT NOT NULL,
  PRIMARY KEY (school_id, person_id)
) WITHOUT ROWID;

CREATE TABLE screen_result_015 (
  person_id BIGINT NOT NULL REFERENCES person(id),
  return_date TEXT NOT NULL,
  school_id BIGINT NOT NULL REFERENCES school(id),
  status TEXT NOT NULL CHECK (status = 'cleared' OR status = 'monitor' OR status = 'hold'),
  reasons TEXT NOT NULL DEFAULT '[]',
  risk_version_id BIGINT NOT NULL REFERENCES screen_version(id),
  config_version BIGINT NOT NULL,
  declared INTEGER NOT NULL DEFAULT 0,
  screened_at BIGINT NOT NULL,
  PRIMARY KEY (person_id, return_date)
) WITHOUT ROWID;
INSERT INTO screen_result_015 (person_id, return_date, school_id, status, reasons, risk_version_id,
  config_version, declared, screened_at)
  SELECT person_id, return_date, school_id, status, reasons, risk_version_id, config_version,
  declared, screened_at FROM screen_result ORDER BY person_id, return_date;
DROP TABLE screen_result;
ALTER TABLE screen_result_015 RENAME TO screen_result;
CREATE INDEX screen_result_day ON screen_result (school_id, return_date);
-- @end
