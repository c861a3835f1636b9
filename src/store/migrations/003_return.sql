-- 003_return.sql — return to school (开学复课): the return plan in batches,
-- pre-return declarations (返校前申报) and their personal links, risk
-- regions (versioned) and screening rules, screening results and the
-- recorded actions that lift a hold, gate devices and readings, the
-- temporary observation room, students who cannot return on time with
-- their tutoring, and the staff member caring for each key-group student.
-- Portable SQL (see 001).  Dates 'YYYY-MM-DD', times Unix seconds.

-- The return plan: a batch (第一批 …) has one date; a class is in at most
-- one batch.  When a school has no batch at all, everyone enrolled is
-- expected on every school day (the plan is optional).
CREATE TABLE return_batch (
  id @ID@,
  school_id BIGINT NOT NULL REFERENCES school(id),
  name TEXT NOT NULL,
  return_date TEXT NOT NULL,
  UNIQUE (school_id, name)
);

CREATE TABLE return_batch_class (
  class_id BIGINT PRIMARY KEY REFERENCES class(id),
  school_id BIGINT NOT NULL REFERENCES school(id),
  batch_id BIGINT NOT NULL REFERENCES return_batch(id)
);
CREATE INDEX return_batch_class_batch ON return_batch_class (batch_id);

-- One declared fact: a stay (region and dates, how they travelled), a
-- day's health (temperature, symptoms) or a contact with a case.  A
-- person's report of the same fact again updates it (the unique key);
-- corrections and removals are written to the audit log.
-- source: import (spreadsheet), link (personal link: self or guardian),
-- staff (a class teacher or the school doctor entered it).
CREATE TABLE declaration (
  id @ID@,
  school_id BIGINT NOT NULL REFERENCES school(id),
  person_id BIGINT NOT NULL REFERENCES person(id),
  kind TEXT NOT NULL CHECK (kind IN ('stay','health','contact')),
  date_from TEXT NOT NULL,
  date_to TEXT NOT NULL,
  region TEXT NOT NULL DEFAULT '',
  transport TEXT NOT NULL DEFAULT '',
  temperature DOUBLE PRECISION,
  symptoms TEXT NOT NULL DEFAULT '',
  note TEXT NOT NULL DEFAULT '',
  source TEXT NOT NULL CHECK (source IN ('import','link','staff')),
  reporter TEXT NOT NULL DEFAULT '' CHECK (reporter IN ('','self','guardian','teacher','staff')),
  submitted_at BIGINT NOT NULL,
  submitted_by BIGINT REFERENCES app_user(id),
  CHECK (date_to >= date_from),
  UNIQUE (person_id, kind, date_from, date_to, region)
);
-- Screening many people walks this index in person order.
CREATE INDEX declaration_school ON declaration (school_id, person_id, date_to);

-- Personal declaration links: only the SHA-256 of the token is kept.  A
-- link is valid until the end of the person's return date.  minor: the
-- guardian reports, and their consent is recorded (declare_consent).
CREATE TABLE declare_link (
  id @ID@,
  school_id BIGINT NOT NULL REFERENCES school(id),
  person_id BIGINT NOT NULL REFERENCES person(id),
  token_hash TEXT NOT NULL UNIQUE,
  minor INTEGER NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL,
  created_by BIGINT REFERENCES app_user(id),
  expires_at BIGINT NOT NULL,
  revoked INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX declare_link_person ON declare_link (person_id);

CREATE TABLE declare_consent (
  id @ID@,
  school_id BIGINT NOT NULL REFERENCES school(id),
  person_id BIGINT NOT NULL REFERENCES person(id),
  link_id BIGINT NOT NULL REFERENCES declare_link(id),
  guardian_name TEXT NOT NULL,
  relation TEXT NOT NULL DEFAULT '',
  consented_at BIGINT NOT NULL,
  ip TEXT NOT NULL DEFAULT ''
);
CREATE INDEX declare_consent_link ON declare_consent (link_id);

-- Versions of the screening inputs.  kind risk: a published list of risk
-- regions (the rows of risk_region); kind rules: a change of the screening
-- rules.  school_id NULL: the district's (every school).  A screening
-- result records the risk version it used and the newest version of
-- either kind it saw, so a later change shows the result is stale.
CREATE TABLE screen_version (
  id @ID@,
  school_id BIGINT REFERENCES school(id),
  kind TEXT NOT NULL CHECK (kind IN ('risk','rules')),
  created_at BIGINT NOT NULL,
  created_by BIGINT REFERENCES app_user(id),
  source TEXT NOT NULL DEFAULT '',
  note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX screen_version_kind ON screen_version (kind, school_id);
INSERT INTO screen_version (school_id, kind, created_at, source, note) VALUES
  (NULL, 'risk', 0, 'migration', '初始：空 (initial: empty)'),
  (NULL, 'rules', 0, 'migration', '默认规则 (default rules)');

-- Risk regions: '/'-separated administrative names (湖北省/武汉市/武昌区);
-- a region covers itself and everything below it.  valid_to '' = open.
CREATE TABLE risk_region (
  version_id BIGINT NOT NULL REFERENCES screen_version(id),
  region TEXT NOT NULL,
  level TEXT NOT NULL CHECK (level IN ('high','medium','low')),
  valid_from TEXT NOT NULL,
  valid_to TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (version_id, region, valid_from)
);

-- Screening rules are data.  kind:
--   no_declaration  nothing declared for the window before return
--   fever           a declared temperature >= threshold in the window
--   symptom         any declared symptom in the window
--   contact         a contact with a case in the window
--   stay_risk       a stay in a region of risk `level` (while it was one) in the window
--   stay_region     a stay in `region` or below it (境外 = outside mainland China) in the window
-- The window is the window_days days up to and including the return date.
-- reason_zh / reason_en are templates: {region} {from} {to} {days} {date}
-- {temperature} {symptoms} {risk_region} {level}.
CREATE TABLE screen_rule (
  id @ID@,
  school_id BIGINT REFERENCES school(id),
  kind TEXT NOT NULL CHECK (kind IN ('no_declaration','fever','symptom','contact','stay_risk','stay_region')),
  level TEXT NOT NULL DEFAULT '' CHECK (level IN ('','high','medium','low')),
  region TEXT NOT NULL DEFAULT '',
  window_days INTEGER NOT NULL DEFAULT 14 CHECK (window_days BETWEEN 1 AND 60),
  threshold DOUBLE PRECISION,
  status TEXT NOT NULL CHECK (status IN ('hold','monitor')),
  name_zh TEXT NOT NULL,
  name_en TEXT NOT NULL,
  reason_zh TEXT NOT NULL,
  reason_en TEXT NOT NULL,
  enabled INTEGER NOT NULL DEFAULT 1,
  updated_at BIGINT NOT NULL
);
INSERT INTO screen_rule (school_id, kind, level, region, window_days, threshold, status, name_zh, name_en, reason_zh, reason_en, updated_at) VALUES
  (NULL, 'no_declaration', '', '', 14, NULL, 'hold', '未申报', 'No declaration',
   '未申报返校前{days}天的旅居和健康情况', 'no declaration for the {days} days before return', 0),
  (NULL, 'fever', '', '', 14, 37.3, 'hold', '发热：需就医并凭医生证明返校', 'Fever: see a doctor, return with a doctor''s note',
   '{date} 体温 {temperature}°C,距返校不足{days}天,需就医并凭医生证明返校', 'temperature {temperature} °C on {date}, less than {days} days before return: see a doctor, a doctor''s note is needed', 0),
  (NULL, 'symptom', '', '', 14, NULL, 'hold', '有症状：需就医并凭医生证明返校', 'Symptoms: see a doctor, return with a doctor''s note',
   '{date} 有症状:{symptoms},距返校不足{days}天,需就医并凭医生证明返校', 'symptoms on {date}: {symptoms}, less than {days} days before return: see a doctor, a doctor''s note is needed', 0),
  (NULL, 'contact', '', '', 14, NULL, 'hold', '接触病例', 'Contact with a case',
   '{date} 与病例有接触,距返校不足{days}天', 'contact with a case on {date}, less than {days} days before return', 0),
  (NULL, 'stay_risk', 'high', '', 14, NULL, 'hold', '高风险地区旅居', 'Stay in a high-risk region',
   '在{region} 停留 {from} 至 {to},距返校不足{days}天,属高风险地区({risk_region})', 'stayed in {region} from {from} to {to}, less than {days} days before return: a high-risk region ({risk_region})', 0),
  (NULL, 'stay_region', '', '境外', 14, NULL, 'hold', '境外旅居', 'Stay outside mainland China',
   '在{region} 停留 {from} 至 {to},距返校不足{days}天,属境外', 'stayed in {region} from {from} to {to}, less than {days} days before return: outside mainland China', 0),
  (NULL, 'stay_risk', 'medium', '', 14, NULL, 'monitor', '中风险地区旅居：返校后健康管理', 'Stay in a medium-risk region: health management after return',
   '在{region} 停留 {from} 至 {to},距返校不足{days}天,属中风险地区({risk_region}):返校后14天每日测体温两次', 'stayed in {region} from {from} to {to}, less than {days} days before return: a medium-risk region ({risk_region}); temperature twice a day for 14 days after return', 0);

-- The screening result of a person for a return date (the latest run).
-- reasons: a JSON array of {"rule","status","zh","en","lifted"}.  In
-- SQLite the table is clustered on its key (WITHOUT ROWID): the gate reads
-- one row per reading, and a run writes 300,000 at once.
-- @sqlite
CREATE TABLE screen_result (
  person_id BIGINT NOT NULL REFERENCES person(id),
  return_date TEXT NOT NULL,
  school_id BIGINT NOT NULL REFERENCES school(id),
  status TEXT NOT NULL CHECK (status IN ('cleared','monitor','hold')),
  reasons TEXT NOT NULL DEFAULT '[]',
  risk_version_id BIGINT NOT NULL REFERENCES screen_version(id),
  config_version BIGINT NOT NULL,
  declared INTEGER NOT NULL DEFAULT 0,
  screened_at BIGINT NOT NULL,
  PRIMARY KEY (person_id, return_date)
) WITHOUT ROWID;
-- @end
-- @postgres
CREATE TABLE screen_result (
  person_id BIGINT NOT NULL REFERENCES person(id),
  return_date TEXT NOT NULL,
  school_id BIGINT NOT NULL REFERENCES school(id),
  status TEXT NOT NULL CHECK (status IN ('cleared','monitor','hold')),
  reasons TEXT NOT NULL DEFAULT '[]',
  risk_version_id BIGINT NOT NULL REFERENCES screen_version(id),
  config_version BIGINT NOT NULL,
  declared INTEGER NOT NULL DEFAULT 0,
  screened_at BIGINT NOT NULL,
  PRIMARY KEY (person_id, return_date)
);
-- @end
CREATE INDEX screen_result_day ON screen_result (school_id, return_date);

-- A hold is lifted only by a recorded action of the school's epidemic
-- reporter: a doctor's note, a negative test, or quarantine completed.
-- reasons: the hold reasons (Chinese text, one per line) it lifts.
CREATE TABLE hold_lift (
  id @ID@,
  school_id BIGINT NOT NULL REFERENCES school(id),
  person_id BIGINT NOT NULL REFERENCES person(id),
  return_date TEXT NOT NULL,
  action TEXT NOT NULL CHECK (action IN ('doctor_note','negative_test','quarantine_done')),
  note TEXT NOT NULL DEFAULT '',
  reasons TEXT NOT NULL,
  lifted_by BIGINT NOT NULL REFERENCES app_user(id),
  lifted_at BIGINT NOT NULL
);
CREATE INDEX hold_lift_person ON hold_lift (person_id);

-- Gate terminals (infrared thermometers, gate staff phones): only the
-- SHA-256 of a device's token is kept.
CREATE TABLE gate_device (
  id @ID@,
  school_id BIGINT NOT NULL REFERENCES school(id),
  name TEXT NOT NULL,
  gate TEXT NOT NULL,
  place_id BIGINT REFERENCES place(id),
  token_hash TEXT NOT NULL UNIQUE,
  created_at BIGINT NOT NULL,
  disabled INTEGER NOT NULL DEFAULT 0,
  UNIQUE (school_id, name)
);

-- Every reading, with the decision given.  person_ref is what the device
-- sent (number or card); person_id is NULL when nobody matched.  The table
-- is append-only (like audit_log): it is the record of who was let in,
-- by which device, from which address, when — the gate writes no
-- separate audit row per reading.
CREATE TABLE gate_reading (
  id @ID@,
  school_id BIGINT NOT NULL REFERENCES school(id),
  device_id BIGINT NOT NULL REFERENCES gate_device(id),
  person_id BIGINT REFERENCES person(id),
  person_ref TEXT NOT NULL,
  temperature DOUBLE PRECISION NOT NULL,
  at BIGINT NOT NULL,
  date TEXT NOT NULL,
  decision TEXT NOT NULL CHECK (decision IN ('admit','recheck','refuse')),
  reason TEXT NOT NULL DEFAULT '',
  ip TEXT NOT NULL DEFAULT '',
  received_at BIGINT NOT NULL
);
CREATE INDEX gate_reading_person ON gate_reading (person_id, at);
CREATE INDEX gate_reading_day ON gate_reading (school_id, date);
-- @sqlite
CREATE TRIGGER gate_reading_no_update BEFORE UPDATE ON gate_reading
BEGIN SELECT RAISE(ABORT, 'gate readings are append-only'); END;
CREATE TRIGGER gate_reading_no_delete BEFORE DELETE ON gate_reading
BEGIN SELECT RAISE(ABORT, 'gate readings are append-only'); END;
-- @end
-- @postgres
CREATE FUNCTION gate_reading_append_only() RETURNS trigger LANGUAGE plpgsql AS
$$ BEGIN RAISE EXCEPTION 'gate readings are append-only'; END $$;
CREATE TRIGGER gate_reading_no_change BEFORE UPDATE OR DELETE ON gate_reading
FOR EACH ROW EXECUTE FUNCTION gate_reading_append_only();
-- @end

-- The temporary observation room (临时留观室): who was sent there, why,
-- and how it ended.
CREATE TABLE observation_stay (
  id @ID@,
  school_id BIGINT NOT NULL REFERENCES school(id),
  person_id BIGINT NOT NULL REFERENCES person(id),
  place_id BIGINT REFERENCES place(id),
  reading_id BIGINT REFERENCES gate_reading(id),
  alert_id BIGINT REFERENCES alert(id),
  reason TEXT NOT NULL,
  started_at BIGINT NOT NULL,
  ended_at BIGINT,
  outcome TEXT NOT NULL DEFAULT '' CHECK (outcome IN ('','released','sent_home','hospital')),
  ended_by BIGINT REFERENCES app_user(id),
  note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX observation_stay_person ON observation_stay (person_id, ended_at);
CREATE INDEX observation_stay_school ON observation_stay (school_id, started_at);

-- A refusal at the gate opens an alert of this rule (one per person and
-- day).  It is not a cluster rule: disabled, so the cluster evaluation
-- never runs it.
INSERT INTO cluster_rule (school_id, code, code_kind, scope, window_days, threshold, name_zh, name_en, enabled, updated_at) VALUES
  (NULL, 'gate_refused', 'syndrome', 'school', 1, 1, '校门拒绝入校：送临时留观室', 'Refused at the gate: sent to the temporary observation room', 0, 0);

-- Students (and staff) who cannot return on time, and the personalised
-- tutoring (个性化教学辅导) of each.
CREATE TABLE return_absence (
  id @ID@,
  school_id BIGINT NOT NULL REFERENCES school(id),
  person_id BIGINT NOT NULL REFERENCES person(id),
  reason TEXT NOT NULL CHECK (reason IN ('illness','quarantine','travel','family','other')),
  detail TEXT NOT NULL DEFAULT '',
  expected_date TEXT,
  returned_date TEXT,
  recorded_by BIGINT REFERENCES app_user(id),
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX return_absence_school ON return_absence (school_id, returned_date);
CREATE INDEX return_absence_person ON return_absence (person_id);

CREATE TABLE tutoring_plan (
  id @ID@,
  school_id BIGINT NOT NULL REFERENCES school(id),
  absence_id BIGINT NOT NULL UNIQUE REFERENCES return_absence(id),
  tutor_id BIGINT REFERENCES person(id),
  tutor_name TEXT NOT NULL,
  plan TEXT NOT NULL DEFAULT '',
  sessions_planned INTEGER NOT NULL DEFAULT 0 CHECK (sessions_planned >= 0),
  updated_by BIGINT REFERENCES app_user(id),
  updated_at BIGINT NOT NULL
);

CREATE TABLE tutoring_session (
  id @ID@,
  school_id BIGINT NOT NULL REFERENCES school(id),
  plan_id BIGINT NOT NULL REFERENCES tutoring_plan(id),
  date TEXT NOT NULL,
  minutes INTEGER NOT NULL DEFAULT 0 CHECK (minutes >= 0),
  topic TEXT NOT NULL DEFAULT '',
  progress TEXT NOT NULL DEFAULT '',
  recorded_by BIGINT REFERENCES app_user(id),
  recorded_at BIGINT NOT NULL
);
CREATE INDEX tutoring_session_plan ON tutoring_session (plan_id, date);

-- Key groups (抗疫一线人员子女 …): the staff member caring for each student.
CREATE TABLE key_group_carer (
  person_id BIGINT NOT NULL REFERENCES person(id),
  group_code TEXT NOT NULL REFERENCES key_group(code),
  school_id BIGINT NOT NULL REFERENCES school(id),
  carer_id BIGINT NOT NULL REFERENCES person(id),
  note TEXT NOT NULL DEFAULT '',
  assigned_by BIGINT REFERENCES app_user(id),
  assigned_at BIGINT NOT NULL,
  PRIMARY KEY (person_id, group_code)
);

-- Gate terminals may send a card number instead of the student number.
CREATE INDEX person_card ON person (school_id, card_no);
