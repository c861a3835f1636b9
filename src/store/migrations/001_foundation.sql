-- 001_foundation.sql — schools, people, places, timetable, users, sessions, audit.
--
-- Portable SQL for SQLite and PostgreSQL 15.  The store replaces @ID@ with
-- the backend's auto-increment primary key; lines between "-- @sqlite" and
-- "-- @end" (or "-- @postgres" … "-- @end") apply to that backend only.
-- Every school-owned table carries school_id so that a district can
-- distribute by it (Citus: distribution column school_id).
-- Times are integer Unix seconds (UTC); dates are 'YYYY-MM-DD' text.

CREATE TABLE district (
  id @ID@,
  code TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL
);

CREATE TABLE school (
  id @ID@,
  district_id BIGINT REFERENCES district(id),
  code TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  created_at BIGINT NOT NULL
);

CREATE TABLE campus (
  id @ID@,
  school_id BIGINT NOT NULL REFERENCES school(id),
  name TEXT NOT NULL,
  UNIQUE (school_id, name)
);

CREATE TABLE grade (
  id @ID@,
  school_id BIGINT NOT NULL REFERENCES school(id),
  name TEXT NOT NULL,
  UNIQUE (school_id, name)
);

-- 班级
CREATE TABLE class (
  id @ID@,
  school_id BIGINT NOT NULL REFERENCES school(id),
  grade_id BIGINT NOT NULL REFERENCES grade(id),
  name TEXT NOT NULL,
  UNIQUE (school_id, name)
);
CREATE INDEX class_grade ON class (grade_id);

-- Places: gates, classrooms, labs, canteens and their zones (parent_id),
-- dorm buildings and rooms (宿舍, parent_id = building), clinic (医务室),
-- isolation and observation rooms (隔离室/留观室), playgrounds, offices.
CREATE TABLE place (
  id @ID@,
  school_id BIGINT NOT NULL REFERENCES school(id),
  campus_id BIGINT REFERENCES campus(id),
  parent_id BIGINT REFERENCES place(id),
  kind TEXT NOT NULL CHECK (kind IN ('gate','classroom','lab','canteen','canteen_zone',
      'dorm_building','dorm_room','clinic','isolation_room','observation_room',
      'playground','hall','office','other')),
  name TEXT NOT NULL,
  building TEXT NOT NULL DEFAULT '',
  floor INTEGER,
  capacity INTEGER CHECK (capacity IS NULL OR capacity >= 0),
  area_m2 DOUBLE PRECISION CHECK (area_m2 IS NULL OR area_m2 >= 0),
  gender TEXT CHECK (gender IS NULL OR gender IN ('M','F')),
  updated_at BIGINT NOT NULL,
  UNIQUE (school_id, name)
);
CREATE INDEX place_kind ON place (school_id, kind);
CREATE INDEX place_parent ON place (parent_id);

-- Students and staff.
CREATE TABLE person (
  id @ID@,
  school_id BIGINT NOT NULL REFERENCES school(id),
  kind TEXT NOT NULL CHECK (kind IN ('student','staff')),
  number TEXT NOT NULL,
  name TEXT NOT NULL,
  gender TEXT NOT NULL CHECK (gender IN ('M','F')),
  class_id BIGINT REFERENCES class(id),
  dorm_id BIGINT REFERENCES place(id),
  guardian_phone TEXT NOT NULL DEFAULT '',
  phone TEXT NOT NULL DEFAULT '',
  position TEXT NOT NULL DEFAULT '',
  card_no TEXT,
  flags TEXT NOT NULL DEFAULT '',
  active INTEGER NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  UNIQUE (school_id, number)
);
CREATE INDEX person_class ON person (class_id, name);
CREATE INDEX person_dorm ON person (dorm_id);
CREATE INDEX person_name ON person (school_id, name);
CREATE INDEX person_kind ON person (school_id, kind, id);

-- Key groups (重点学生群体), e.g. frontline_child = 抗疫一线人员子女.
-- person.flags holds a person's key-group codes, comma-separated and sorted.
CREATE TABLE key_group (
  code TEXT PRIMARY KEY,
  name_zh TEXT NOT NULL,
  name_en TEXT NOT NULL
);
INSERT INTO key_group (code, name_zh, name_en) VALUES
  ('frontline_child', '抗疫一线人员子女', 'child of a frontline worker'),
  ('left_behind', '留守儿童', 'left-behind child'),
  ('chronic_illness', '慢性病', 'chronic illness'),
  ('disability', '残疾', 'disability'),
  ('hardship', '家庭困难', 'family hardship');

-- Weekly timetable: class, place, weekday (1 = Monday … 7), minutes from midnight.
CREATE TABLE timetable (
  id @ID@,
  school_id BIGINT NOT NULL REFERENCES school(id),
  class_id BIGINT NOT NULL REFERENCES class(id),
  place_id BIGINT NOT NULL REFERENCES place(id),
  weekday INTEGER NOT NULL CHECK (weekday BETWEEN 1 AND 7),
  start_min INTEGER NOT NULL CHECK (start_min BETWEEN 0 AND 1439),
  end_min INTEGER NOT NULL CHECK (end_min BETWEEN 1 AND 1440),
  subject TEXT NOT NULL DEFAULT '',
  CHECK (end_min > start_min)
);
CREATE INDEX timetable_class ON timetable (class_id, weekday, start_min);
CREATE INDEX timetable_place ON timetable (place_id, weekday, start_min);

-- Users.  role: admin principal reporter teacher gate logistics district.
-- scope_kind: school (school_id), class (scope_id = class.id), district.
CREATE TABLE app_user (
  id @ID@,
  school_id BIGINT REFERENCES school(id),
  username TEXT NOT NULL UNIQUE,
  pw_hash TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('admin','principal','reporter','teacher','gate',
      'logistics','district')),
  scope_kind TEXT NOT NULL CHECK (scope_kind IN ('school','class','district')),
  scope_id BIGINT,
  person_id BIGINT REFERENCES person(id),
  disabled INTEGER NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL
);

-- Sessions: only the SHA-256 of the session id is stored.
CREATE TABLE app_session (
  token_hash TEXT PRIMARY KEY,
  user_id BIGINT NOT NULL REFERENCES app_user(id) ON DELETE CASCADE,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  ip TEXT NOT NULL DEFAULT ''
);
CREATE INDEX app_session_user ON app_session (user_id);

-- Append-only audit log: who read or changed which person's data, when, from where.
CREATE TABLE audit_log (
  id @ID@,
  at BIGINT NOT NULL,
  school_id BIGINT,
  user_id BIGINT,
  username TEXT NOT NULL,
  role TEXT NOT NULL DEFAULT '',
  ip TEXT NOT NULL DEFAULT '',
  action TEXT NOT NULL,
  entity TEXT NOT NULL,
  entity_id TEXT NOT NULL DEFAULT '',
  person_id BIGINT,
  detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_person ON audit_log (person_id, at);
CREATE INDEX audit_at ON audit_log (at);

-- @sqlite
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
-- @end
-- @postgres
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS
$$ BEGIN RAISE EXCEPTION 'audit log is append-only'; END $$;
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
-- @end
