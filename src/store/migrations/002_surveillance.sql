-- 002_surveillance.sql — daily checks (晨午晚检), illness absence and its
-- follow-up, health events, the school calendar, cluster rules and alerts
-- with their response tasks.  Portable SQL (see 001).

-- One class's submission for a day and session.  A correction is a new
-- version; the highest version is the one that counts, the others stay.
CREATE TABLE check_submission (
  id @ID@,
  school_id BIGINT NOT NULL REFERENCES school(id),
  class_id BIGINT NOT NULL REFERENCES class(id),
  date TEXT NOT NULL,
  session TEXT NOT NULL CHECK (session IN ('morning','noon','evening')),
  version INTEGER NOT NULL,
  submitted_by BIGINT REFERENCES app_user(id),
  submitted_at BIGINT NOT NULL,
  source TEXT NOT NULL DEFAULT 'api',
  UNIQUE (class_id, date, session, version)
);
CREATE INDEX check_submission_day ON check_submission (school_id, date, session);

-- One row per student of the class in a submission.
CREATE TABLE check_entry (
  submission_id BIGINT NOT NULL REFERENCES check_submission(id),
  school_id BIGINT NOT NULL,
  person_id BIGINT NOT NULL REFERENCES person(id),
  status TEXT NOT NULL CHECK (status IN ('present','absent_sick','absent_other','absent_unknown')),
  temperature DOUBLE PRECISION,
  symptoms TEXT NOT NULL DEFAULT '',
  diagnosis TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (submission_id, person_id)
);
CREATE INDEX check_entry_person ON check_entry (person_id);

-- The current (latest) version of each class's submission.
CREATE VIEW check_current AS
  SELECT s.* FROM check_submission s
  WHERE s.version = (SELECT MAX(v.version) FROM check_submission v
                     WHERE v.class_id = s.class_id AND v.date = s.date AND v.session = s.session);

-- Every symptom, fever or diagnosis observed, whatever recorded it: the
-- checks (derived from check_entry, replaced when a check is corrected),
-- all-day observation (全日健康观察), clinic visits (医务室), gate
-- readings, absences.  The cluster rules read this one table.
-- syndromes: derived codes (ili = >=38 C with cough or sore throat).
CREATE TABLE health_event (
  id @ID@,
  school_id BIGINT NOT NULL REFERENCES school(id),
  person_id BIGINT NOT NULL REFERENCES person(id),
  date TEXT NOT NULL,
  at BIGINT NOT NULL,
  source TEXT NOT NULL CHECK (source IN ('check','observation','clinic','absence','gate','import')),
  temperature DOUBLE PRECISION,
  symptoms TEXT NOT NULL DEFAULT '',
  syndromes TEXT NOT NULL DEFAULT '',
  diagnosis TEXT NOT NULL DEFAULT '',
  note TEXT NOT NULL DEFAULT '',
  recorded_by BIGINT REFERENCES app_user(id),
  submission_id BIGINT REFERENCES check_submission(id)
);
CREATE INDEX health_event_day ON health_event (school_id, date);
CREATE INDEX health_event_submission ON health_event (submission_id);
CREATE INDEX health_event_person ON health_event (person_id, date);

-- Illness absence (因病缺勤) and its daily follow-up until the student is back.
CREATE TABLE illness_absence (
  id @ID@,
  school_id BIGINT NOT NULL REFERENCES school(id),
  person_id BIGINT NOT NULL REFERENCES person(id),
  first_absent_date TEXT NOT NULL,
  onset_date TEXT NOT NULL,
  symptoms TEXT NOT NULL DEFAULT '',
  clinic_visit INTEGER NOT NULL DEFAULT 0,
  hospital TEXT NOT NULL DEFAULT '',
  diagnosis TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open','returned')),
  return_date TEXT,
  note_required INTEGER NOT NULL DEFAULT 0,
  note_recorded_at BIGINT,
  note_by BIGINT REFERENCES app_user(id),
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX illness_absence_person ON illness_absence (person_id, status);
CREATE INDEX illness_absence_open ON illness_absence (school_id, status);

CREATE TABLE absence_followup (
  id @ID@,
  school_id BIGINT NOT NULL,
  absence_id BIGINT NOT NULL REFERENCES illness_absence(id),
  date TEXT NOT NULL,
  temperature DOUBLE PRECISION,
  symptoms TEXT NOT NULL DEFAULT '',
  diagnosis TEXT NOT NULL DEFAULT '',
  note TEXT NOT NULL DEFAULT '',
  recorded_by BIGINT REFERENCES app_user(id),
  recorded_at BIGINT NOT NULL
);
CREATE INDEX absence_followup_absence ON absence_followup (absence_id, date);

-- The school calendar: days that differ from Monday–Friday term time.
-- kind: holiday (no school on a weekday), makeup (school on a weekend day),
-- term_start / term_end (the first and last school day of a term).
CREATE TABLE school_calendar (
  school_id BIGINT NOT NULL REFERENCES school(id),
  date TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('holiday','makeup','term_start','term_end')),
  note TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (school_id, date)
);

-- Cluster rules (聚集性疫情标准) are data.  school_id NULL: applies to every
-- school (set by the district).  code_kind: diagnosis | symptom | syndrome;
-- scope: class | dorm | school; a cluster is count >= threshold distinct
-- people within window_days consecutive days.
CREATE TABLE cluster_rule (
  id @ID@,
  school_id BIGINT REFERENCES school(id),
  code TEXT NOT NULL,
  code_kind TEXT NOT NULL CHECK (code_kind IN ('diagnosis','symptom','syndrome','any_symptom')),
  scope TEXT NOT NULL CHECK (scope IN ('class','dorm','school')),
  window_days INTEGER NOT NULL CHECK (window_days BETWEEN 1 AND 60),
  threshold INTEGER NOT NULL CHECK (threshold BETWEEN 1 AND 100000),
  name_zh TEXT NOT NULL,
  name_en TEXT NOT NULL,
  enabled INTEGER NOT NULL DEFAULT 1,
  updated_at BIGINT NOT NULL
);

INSERT INTO cluster_rule (school_id, code, code_kind, scope, window_days, threshold, name_zh, name_en, updated_at) VALUES
  (NULL, 'hfmd', 'diagnosis', 'school', 7, 5, '手足口病：7天内同一学校≥5例', 'HFMD: >=5 cases in one school within 7 days', 0),
  (NULL, 'hfmd', 'diagnosis', 'class', 7, 2, '手足口病：7天内同一班级≥2例', 'HFMD: >=2 cases in one class within 7 days', 0),
  (NULL, 'hfmd', 'diagnosis', 'dorm', 7, 2, '手足口病：7天内同一宿舍≥2例', 'HFMD: >=2 cases in one dorm within 7 days', 0),
  (NULL, 'norovirus', 'diagnosis', 'school', 7, 10, '诺如病毒：7天内≥10例', 'Norovirus: >=10 cases within 7 days', 0),
  (NULL, 'bacillary_dysentery', 'diagnosis', 'school', 3, 10, '细菌性痢疾：3天内≥10例', 'Bacillary dysentery: >=10 cases within 3 days', 0),
  (NULL, 'ahc', 'diagnosis', 'school', 7, 3, '急性出血性结膜炎：7天内≥3例', 'Acute haemorrhagic conjunctivitis: >=3 cases within 7 days', 0),
  (NULL, 'ili', 'syndrome', 'school', 7, 10, '流感样病例：7天内≥10例', 'Influenza-like illness: >=10 cases within 7 days', 0),
  (NULL, 'scarlet_fever', 'diagnosis', 'school', 7, 10, '猩红热：7天内≥10例', 'Scarlet fever: >=10 cases within 7 days', 0),
  (NULL, 'measles', 'diagnosis', 'school', 10, 2, '麻疹：10天内≥2例', 'Measles: >=2 cases within 10 days', 0),
  (NULL, 'rubella', 'diagnosis', 'school', 7, 5, '风疹：7天内≥5例', 'Rubella: >=5 cases within 7 days', 0),
  (NULL, 'mumps', 'diagnosis', 'school', 7, 5, '流行性腮腺炎：7天内≥5例', 'Mumps: >=5 cases within 7 days', 0),
  (NULL, 'varicella', 'diagnosis', 'school', 7, 5, '水痘：7天内≥5例', 'Varicella: >=5 cases within 7 days', 0),
  (NULL, 'dengue', 'diagnosis', 'school', 14, 3, '登革热（本地）：14天内同一校区≥3例', 'Dengue (local): >=3 cases on one campus within 14 days', 0),
  (NULL, '*', 'any_symptom', 'class', 1, 3, '同班同症状：1天内≥3人', 'Similar symptoms in one class: >=3 on one day', 0),
  (NULL, '*', 'any_symptom', 'class', 3, 5, '同班同症状：连续3天内≥5人', 'Similar symptoms in one class: >=5 within 3 consecutive days', 0);

-- Alerts: one per cluster.  A growing cluster updates its alert.
CREATE TABLE alert (
  id @ID@,
  school_id BIGINT NOT NULL REFERENCES school(id),
  rule_id BIGINT NOT NULL REFERENCES cluster_rule(id),
  scope TEXT NOT NULL,
  scope_id BIGINT NOT NULL,
  scope_name TEXT NOT NULL,
  code TEXT NOT NULL,
  first_date TEXT NOT NULL,
  last_date TEXT NOT NULL,
  count INTEGER NOT NULL,
  status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open','closed')),
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  report_due_at BIGINT NOT NULL
);
CREATE INDEX alert_lookup ON alert (rule_id, scope_id, code, last_date);
CREATE INDEX alert_school ON alert (school_id, first_date);

CREATE TABLE alert_person (
  alert_id BIGINT NOT NULL REFERENCES alert(id),
  school_id BIGINT NOT NULL,
  person_id BIGINT NOT NULL REFERENCES person(id),
  first_date TEXT NOT NULL,
  PRIMARY KEY (alert_id, person_id)
);

-- Response tasks (WS/T 772): an owner role and a due time each.
CREATE TABLE alert_task (
  id @ID@,
  school_id BIGINT NOT NULL,
  alert_id BIGINT NOT NULL REFERENCES alert(id),
  kind TEXT NOT NULL,
  title_zh TEXT NOT NULL,
  title_en TEXT NOT NULL,
  owner_role TEXT NOT NULL,
  due_at BIGINT NOT NULL,
  done_at BIGINT,
  done_by BIGINT REFERENCES app_user(id),
  note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX alert_task_alert ON alert_task (alert_id);
CREATE INDEX alert_task_open ON alert_task (school_id, done_at, due_at);
