-- 015_digest_clustered.sql — SQLite keeps declaration_digest clustered on
-- its key (WITHOUT ROWID), like screen_result.  A screening run reads every
-- digest of the school in person order; through the key's separate index
-- each of the 300,000 rows cost a second lookup into the table by rowid
-- (a sixth of a run's time).  The rows are copied as they are.  PostgreSQL
-- is unchanged (its tables are heaps either way).
-- @sqlite
CREATE TABLE declaration_digest_015 (
  school_id BIGINT NOT NULL REFERENCES school(id),
  person_id BIGINT NOT NULL REFERENCES person(id),
  facts TEXT NOT NULL,
  PRIMARY KEY (school_id, person_id)
) WITHOUT ROWID;
INSERT INTO declaration_digest_015 (school_id, person_id, facts)
  SELECT school_id, person_id, facts FROM declaration_digest ORDER BY school_id, person_id;
DROP TABLE declaration_digest;
ALTER TABLE declaration_digest_015 RENAME TO declaration_digest;
-- @end
