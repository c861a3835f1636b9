-- 007_cases.sql — cases (病例) and their isolation, where people were
-- (ad-hoc presence and imported contact records), close-contact
-- follow-up, and the per-disease tracing settings.  Portable SQL (see 001).
--
-- Presence derived from the timetable, dorm rooms and checks is not stored:
-- it is computed when a trace runs (see src/domain/presence.c for why).

-- Tracing and follow-up settings per disease (data, not code).  school_id
-- NULL: the district default; a school's own row wins.  code '*' applies to
-- any disease without a row of its own.
--   window_before_h  the infectious window starts this many hours before onset
--                    and ends at isolation (or now)
--   min_exposure_s   minimum cumulative exposure to count as a close contact
--   same_dorm        sharing a dorm-room night makes a close contact whatever the time
--   same_class       sharing a class session (classroom, lab, playground) likewise
--   hops             default hops of a trace
--   monitor_days     days a close contact is followed up (医学观察)
CREATE TABLE disease_setting (
  id @ID@,
  school_id BIGINT REFERENCES school(id),
  code TEXT NOT NULL,
  window_before_h INTEGER NOT NULL CHECK (window_before_h BETWEEN 0 AND 8760),
  min_exposure_s INTEGER NOT NULL CHECK (min_exposure_s BETWEEN 0 AND 31536000),
  same_dorm INTEGER NOT NULL DEFAULT 1,
  same_class INTEGER NOT NULL DEFAULT 1,
  hops INTEGER NOT NULL DEFAULT 1 CHECK (hops BETWEEN 1 AND 10),
  monitor_days INTEGER NOT NULL CHECK (monitor_days BETWEEN 0 AND 365),
  updated_at BIGINT NOT NULL
);
CREATE INDEX disease_setting_code ON disease_setting (code, school_id);

INSERT INTO disease_setting (school_id, code, window_before_h, min_exposure_s, same_dorm, same_class, hops, monitor_days, updated_at) VALUES
  (NULL, '*', 48, 900, 1, 1, 1, 14, 0),
  (NULL, 'covid19', 48, 900, 1, 1, 2, 14, 0),
  (NULL, 'influenza', 24, 900, 1, 1, 1, 7, 0),
  (NULL, 'ili', 24, 900, 1, 1, 1, 7, 0),
  (NULL, 'measles', 96, 900, 1, 1, 1, 21, 0),
  (NULL, 'varicella', 48, 900, 1, 1, 1, 21, 0),
  (NULL, 'mumps', 168, 900, 1, 1, 1, 25, 0),
  (NULL, 'rubella', 168, 900, 1, 1, 1, 21, 0),
  (NULL, 'hfmd', 48, 900, 1, 1, 1, 10, 0),
  (NULL, 'norovirus', 24, 900, 1, 1, 1, 3, 0),
  (NULL, 'scarlet_fever', 24, 900, 1, 1, 1, 7, 0),
  (NULL, 'tuberculosis', 2160, 28800, 1, 1, 1, 70, 0);

-- A case: a person with a disease or syndrome code (codes.c diagnoses).
-- report_due_at: 24 hours after it was recorded (学校传染病报告 24 小时内);
-- reported_at: when it was reported.  source_case_id: the case it most
-- likely came from (transmission chain), set by the doctor or accepted
-- from a trace (source_by).
CREATE TABLE case_record (
  id @ID@,
  school_id BIGINT NOT NULL REFERENCES school(id),
  person_id BIGINT NOT NULL REFERENCES person(id),
  code TEXT NOT NULL,
  classification TEXT NOT NULL CHECK (classification IN ('suspected','clinical','confirmed','excluded')),
  onset_at BIGINT,
  report_due_at BIGINT NOT NULL,
  reported_at BIGINT,
  outcome TEXT NOT NULL DEFAULT '' CHECK (outcome IN ('','recovered','hospitalised','died','other')),
  outcome_at BIGINT,
  alert_id BIGINT REFERENCES alert(id),
  followup_id BIGINT,
  source_case_id BIGINT REFERENCES case_record(id),
  source_by TEXT NOT NULL DEFAULT '' CHECK (source_by IN ('','doctor','trace')),
  note TEXT NOT NULL DEFAULT '',
  created_by BIGINT REFERENCES app_user(id),
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX case_record_school ON case_record (school_id, created_at);
CREATE INDEX case_record_person ON case_record (person_id);
CREATE INDEX case_record_alert ON case_record (alert_id);

-- A stay in an isolation or observation room (隔离室/留观室).  It ends by a
-- recorded handover: to a parent, to a hospital, or released back to
-- school when the release criteria are met.
CREATE TABLE isolation_stay (
  id @ID@,
  school_id BIGINT NOT NULL REFERENCES school(id),
  case_id BIGINT NOT NULL REFERENCES case_record(id),
  person_id BIGINT NOT NULL REFERENCES person(id),
  place_id BIGINT NOT NULL REFERENCES place(id),
  started_at BIGINT NOT NULL,
  release_criteria TEXT NOT NULL DEFAULT '',
  release_date TEXT NOT NULL DEFAULT '',
  ended_at BIGINT,
  handover_to TEXT NOT NULL DEFAULT '' CHECK (handover_to IN ('','parent','hospital','released')),
  handover_name TEXT NOT NULL DEFAULT '',
  handover_phone TEXT NOT NULL DEFAULT '',
  handover_note TEXT NOT NULL DEFAULT '',
  handed_over_by BIGINT REFERENCES app_user(id),
  created_by BIGINT REFERENCES app_user(id)
);
CREATE INDEX isolation_stay_place ON isolation_stay (place_id, ended_at);
CREATE INDEX isolation_stay_case ON isolation_stay (case_id);
CREATE INDEX isolation_stay_school ON isolation_stay (school_id, started_at);

-- Ad-hoc presence: an assembly, a bus trip … entered through the API or
-- imported (jinyun import presence).  One row per person and interval
-- [start_at, end_at); event names the gathering when there is one.
CREATE TABLE presence (
  id @ID@,
  school_id BIGINT NOT NULL REFERENCES school(id),
  person_id BIGINT NOT NULL REFERENCES person(id),
  place_id BIGINT NOT NULL REFERENCES place(id),
  start_at BIGINT NOT NULL,
  end_at BIGINT NOT NULL,
  source TEXT NOT NULL CHECK (source IN ('api','import')),
  event TEXT NOT NULL DEFAULT '',
  created_by BIGINT REFERENCES app_user(id),
  created_at BIGINT NOT NULL,
  CHECK (end_at > start_at)
);
CREATE INDEX presence_time ON presence (school_id, start_at);
CREATE INDEX presence_person ON presence (person_id, start_at);

-- Direct contact records from proximity sensors (SocioPatterns `t i j`):
-- i and j were in contact during [t, t + resolution) of their batch.
CREATE TABLE contact_batch (
  id @ID@,
  school_id BIGINT NOT NULL REFERENCES school(id),
  file TEXT NOT NULL,
  resolution INTEGER NOT NULL CHECK (resolution >= 1),
  records INTEGER NOT NULL,
  imported_at BIGINT NOT NULL
);
CREATE TABLE contact_record (
  school_id BIGINT NOT NULL REFERENCES school(id),
  batch_id BIGINT NOT NULL REFERENCES contact_batch(id),
  t BIGINT NOT NULL,
  person_i BIGINT NOT NULL REFERENCES person(id),
  person_j BIGINT NOT NULL REFERENCES person(id)
);
CREATE INDEX contact_record_time ON contact_record (school_id, t);
CREATE INDEX contact_record_i ON contact_record (person_i, t);
CREATE INDEX contact_record_j ON contact_record (person_j, t);

-- Close contacts under medical observation (密切接触者医学观察), one row per
-- (index case, person), with what the trace said.  status: monitoring →
-- completed | lost (失访) | became_case | released (ended early by the doctor).
CREATE TABLE contact_followup (
  id @ID@,
  school_id BIGINT NOT NULL REFERENCES school(id),
  case_id BIGINT NOT NULL REFERENCES case_record(id),
  person_id BIGINT NOT NULL REFERENCES person(id),
  hop INTEGER NOT NULL DEFAULT 1,
  exposure_s BIGINT NOT NULL DEFAULT 0,
  first_contact BIGINT,
  via_person_id BIGINT REFERENCES person(id),
  places TEXT NOT NULL DEFAULT '',
  start_date TEXT NOT NULL,
  end_date TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'monitoring' CHECK (status IN ('monitoring','completed','lost','became_case','released')),
  status_at BIGINT,
  new_case_id BIGINT REFERENCES case_record(id),
  created_by BIGINT REFERENCES app_user(id),
  created_at BIGINT NOT NULL,
  UNIQUE (case_id, person_id)
);
CREATE INDEX contact_followup_school ON contact_followup (school_id, status, end_date);
CREATE INDEX contact_followup_person ON contact_followup (person_id);

-- The daily symptom check of a contact: by the class teacher or staff, or
-- a self-report through a link (source self).  One per day; a second
-- report the same day replaces the first.
CREATE TABLE followup_check (
  id @ID@,
  school_id BIGINT NOT NULL,
  followup_id BIGINT NOT NULL REFERENCES contact_followup(id),
  date TEXT NOT NULL,
  temperature DOUBLE PRECISION,
  symptoms TEXT NOT NULL DEFAULT '',
  note TEXT NOT NULL DEFAULT '',
  source TEXT NOT NULL CHECK (source IN ('teacher','staff','self')),
  recorded_by BIGINT REFERENCES app_user(id),
  recorded_at BIGINT NOT NULL,
  UNIQUE (followup_id, date)
);

-- Self-report links: only the SHA-256 of the token is kept (as sessions).
CREATE TABLE followup_link (
  token_hash TEXT PRIMARY KEY,
  school_id BIGINT NOT NULL,
  followup_id BIGINT NOT NULL REFERENCES contact_followup(id),
  created_by BIGINT REFERENCES app_user(id),
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL
);
CREATE INDEX followup_link_followup ON followup_link (followup_id);

-- Tracing reads who was absent in each morning check of the window: the
-- few non-present entries, through this partial index, instead of every
-- entry of every class (bench/cases.sh: 20 ms of a 50 ms trace).
CREATE INDEX check_entry_absent ON check_entry (submission_id) WHERE status <> 'present';
