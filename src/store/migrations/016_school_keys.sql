-- 016_school_keys.sql — key every school-owned table by school_id, so that a
-- district can distribute the schema by school with Citus (README:
-- "分布式 PostgreSQL（Citus）").  PostgreSQL only: SQLite holds one school.
--
-- A table is school-owned (distributed) when it has a school_id column and
-- is not one of the reference or local tables listed below (kept in step
-- with tests/unit/test_school_keys.c and the README).  On PostgreSQL, for
-- every school-owned table:
--   * its primary key and unique constraints get school_id as their last
--     column: PRIMARY KEY (id) becomes PRIMARY KEY (id, school_id), so a
--     lookup by id alone still walks the index on its leading column;
--   * every foreign key into a school-owned table gets school_id on both
--     sides: REFERENCES person (id) becomes
--     FOREIGN KEY (person_id, school_id) REFERENCES person (id, school_id).
--     This also holds a child row to its parent's school.
-- Foreign keys into reference tables (school, rules, catalogues, app_user)
-- stay as they are.  The keys are rewritten from the catalogue by the DO
-- block (constraint names, ON DELETE actions and the order of the columns
-- otherwise kept), in name order, so new school-owned tables of earlier
-- migrations are keyed the same way.
--
-- share_contact_sent (which contacts went to a partner) pointed at a
-- school-owned row without saying whose: it gets school_id, on both
-- backends, filled from the follow-up it records.
--
-- A database whose rows break the rule (a child row of another school than
-- its parent's) stops this migration with PostgreSQL's message naming the
-- constraint and the key; nothing is changed then.

ALTER TABLE share_contact_sent ADD COLUMN school_id BIGINT;
UPDATE share_contact_sent SET school_id =
  (SELECT f.school_id FROM contact_followup f WHERE f.id = share_contact_sent.followup_id);

-- @postgres
ALTER TABLE share_contact_sent ALTER COLUMN school_id SET NOT NULL;

DO $$
DECLARE
  -- Tables with a school_id column that are not distributed by it.
  -- Reference tables (copied to every worker): the rules and catalogues,
  -- whose school_id is NULL for the district's defaults, app_user (NULL for
  -- district users; referenced by recorded_by … of every school's rows) and
  -- district_alert_school (one district alert spans schools).  Local (on
  -- the coordinator): audit_log (NULL for district users).
  kept CONSTANT text[] := ARRAY['app_user', 'audit_log', 'cluster_rule', 'disease_setting',
    'district_alert_school', 'hygiene_schedule', 'ops_checklist', 'ops_plan',
    'screen_rule', 'screen_version', 'supply_item'];
  dist oid[];
  fk record;
  key record;
BEGIN
  SELECT array_agg(c.oid ORDER BY c.relname) INTO dist
  FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'school_id'
  WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r'
    AND NOT a.attisdropped AND c.relname <> ALL (kept);

  -- 1. Foreign keys into school-owned tables without school_id: dropped
  --    now (they hang on the keys rewritten in 2), added back widened in 3.
  CREATE TEMP TABLE school_keys_fk ON COMMIT DROP AS
  SELECT k.conrelid::regclass AS tab, k.conname AS name, pg_get_constraintdef(k.oid) AS def
  FROM pg_constraint k
  WHERE k.contype = 'f' AND k.confrelid = ANY (dist)
    AND NOT EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = k.conrelid
                    AND a.attnum = ANY (k.conkey) AND a.attname = 'school_id');
  FOR fk IN SELECT * FROM school_keys_fk ORDER BY tab::text, name LOOP
    EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', fk.tab, fk.name);
  END LOOP;

  -- 2. Primary keys and unique constraints of school-owned tables.
  FOR key IN
    SELECT k.conrelid::regclass AS tab, k.conname AS name, pg_get_constraintdef(k.oid) AS def
    FROM pg_constraint k
    WHERE k.contype IN ('p', 'u') AND k.conrelid = ANY (dist)
      AND NOT EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = k.conrelid
                      AND a.attnum = ANY (k.conkey) AND a.attname = 'school_id')
    ORDER BY k.conrelid::regclass::text, k.conname
  LOOP
    IF key.def !~ '^(PRIMARY KEY|UNIQUE) \([^)]*\)$' THEN
      RAISE EXCEPTION '016: cannot widen % of %: %', key.name, key.tab, key.def;
    END IF;
    EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I, ADD CONSTRAINT %I %s', key.tab,
                   key.name, key.name,
                   regexp_replace(key.def, '\)$', ', school_id)'));
  END LOOP;

  -- Unique indexes that are not constraints would be missed above.
  IF EXISTS (SELECT 1 FROM pg_index i WHERE i.indisunique AND i.indrelid = ANY (dist)
             AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)) THEN
    RAISE EXCEPTION '016: a school-owned table has a unique index that is not a constraint';
  END IF;

  -- 3. The foreign keys of 1, with school_id on both sides.  The child must
  --    carry school_id too.
  FOR fk IN SELECT * FROM school_keys_fk ORDER BY tab::text, name LOOP
    IF fk.def !~ '^FOREIGN KEY \([^)]*\) REFERENCES [^(]+\([^)]*\)' THEN
      RAISE EXCEPTION '016: cannot widen % of %: %', fk.name, fk.tab, fk.def;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = fk.tab
                   AND a.attname = 'school_id' AND NOT a.attisdropped) THEN
      RAISE EXCEPTION '016: % references a school-owned table but has no school_id', fk.tab;
    END IF;
    EXECUTE format('ALTER TABLE %s ADD CONSTRAINT %I %s', fk.tab, fk.name,
                   regexp_replace(fk.def, '^FOREIGN KEY \(([^)]*)\) REFERENCES ([^(]+)\(([^)]*)\)',
                                  'FOREIGN KEY (\1, school_id) REFERENCES \2(\3, school_id)'));
  END LOOP;
END
$$;
-- @end
