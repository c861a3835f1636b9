-- 009_district.sql — many schools in one district, district cluster rules,
-- pseudonymisation and retention settings.
--
-- District cluster rules are data, like cluster_rule: "the same diagnosis
-- in at least min_schools schools of one district within window_days, each
-- with at least min_cases cases".  code '*' means any diagnosis (each code
-- on its own).  district_id NULL: the rule applies to every district.
CREATE TABLE district_rule (
  id @ID@,
  district_id BIGINT REFERENCES district(id),
  code TEXT NOT NULL,
  window_days INTEGER NOT NULL CHECK (window_days BETWEEN 1 AND 60),
  min_schools INTEGER NOT NULL CHECK (min_schools BETWEEN 2 AND 100000),
  min_cases INTEGER NOT NULL DEFAULT 1 CHECK (min_cases BETWEEN 1 AND 100000),
  name_zh TEXT NOT NULL,
  name_en TEXT NOT NULL,
  enabled INTEGER NOT NULL DEFAULT 1,
  updated_at BIGINT NOT NULL
);
INSERT INTO district_rule (district_id, code, window_days, min_schools, min_cases, name_zh, name_en, updated_at) VALUES
  (NULL, '*', 7, 3, 1, '同一诊断：7天内全区≥3所学校出现', 'The same diagnosis in >=3 schools of the district within 7 days', 0);

-- A district alert: one per rule, code and episode (an open alert whose last
-- day is within the window of a new hit is the same episode and grows).
CREATE TABLE district_alert (
  id @ID@,
  district_id BIGINT NOT NULL REFERENCES district(id),
  rule_id BIGINT NOT NULL REFERENCES district_rule(id),
  code TEXT NOT NULL,
  first_date TEXT NOT NULL,
  last_date TEXT NOT NULL,
  schools INTEGER NOT NULL,
  cases INTEGER NOT NULL,
  status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open','closed')),
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX district_alert_find ON district_alert (district_id, rule_id, code, status);

CREATE TABLE district_alert_school (
  alert_id BIGINT NOT NULL REFERENCES district_alert(id),
  school_id BIGINT NOT NULL REFERENCES school(id),
  cases INTEGER NOT NULL,
  first_date TEXT NOT NULL,
  last_date TEXT NOT NULL,
  PRIMARY KEY (alert_id, school_id)
);

-- Deployment settings: pseudonym_key (hex, made once by the first process
-- that needs it), retention_days (the purge period when none is given).
CREATE TABLE setting (
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  updated_at BIGINT NOT NULL
);

-- A grant lets a district user see people identified (name, number, phone)
-- instead of pseudonymised.  Granting and revoking are audited; a grant may
-- expire.  district_id set and user_id NULL: every user of that district.
CREATE TABLE privacy_grant (
  id @ID@,
  user_id BIGINT REFERENCES app_user(id),
  district_id BIGINT REFERENCES district(id),
  reason TEXT NOT NULL,
  granted_by TEXT NOT NULL,
  granted_at BIGINT NOT NULL,
  expires_at BIGINT,
  revoked_at BIGINT,
  CHECK (user_id IS NOT NULL OR district_id IS NOT NULL)
);
CREATE INDEX privacy_grant_user ON privacy_grant (user_id);

-- The district overview groups by school in one pass.
CREATE INDEX school_district ON school (district_id, id);
CREATE INDEX alert_open ON alert (status, school_id);
-- The overview counts each class's enrolled students from an index alone,
-- and reads only the flagged entries of a day's checks (absent, symptoms,
-- fever) through a partial index.
CREATE INDEX person_enrolled ON person (school_id, kind, active, class_id);
CREATE INDEX check_entry_flagged ON check_entry (submission_id)
  WHERE status <> 'present' OR symptoms <> '' OR temperature >= 37.3;

-- Databases from before districts: district users had no district (one
-- district per deployment).  Give them one, holding every school, so they
-- keep working.
INSERT INTO district (code, name)
  SELECT 'district', '本区' WHERE NOT EXISTS (SELECT 1 FROM district)
  AND EXISTS (SELECT 1 FROM app_user WHERE scope_kind = 'district');
UPDATE school SET district_id = (SELECT MIN(id) FROM district)
  WHERE district_id IS NULL AND EXISTS (SELECT 1 FROM app_user WHERE scope_kind = 'district');
UPDATE app_user SET scope_id = (SELECT MIN(id) FROM district)
  WHERE scope_kind = 'district' AND scope_id IS NULL;
