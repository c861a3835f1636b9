-- 013_declaration_digest.sql — one row per person and school holding what
-- screening reads of every declaration (kind, dates, region, symptoms,
-- temperature), in the order of the declaration_scan index.  Written in
-- the same transaction as each declaration change (store/digest.c), so a
-- screening run reads 300,000 short rows instead of 4.5 million index rows.
-- facts: per declaration "len:kind|len:from|len:to|len:region|len:symptoms|"
-- then the temperature's 64 bits as 16 hex digits or "-" when not given,
-- then ";".
CREATE TABLE declaration_digest (
  school_id BIGINT NOT NULL REFERENCES school(id),
  person_id BIGINT NOT NULL REFERENCES person(id),
  facts TEXT NOT NULL,
  PRIMARY KEY (school_id, person_id)
);
-- complete = 0: the digests must be rebuilt from the declarations before
-- they are read (a database migrated with declarations in it, or after a
-- purge deleted declarations behind the digests' back).
CREATE TABLE declaration_digest_state (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  complete INTEGER NOT NULL
);
INSERT INTO declaration_digest_state (id, complete)
  SELECT 1, CASE WHEN EXISTS (SELECT 1 FROM declaration) THEN 0 ELSE 1 END;
