-- 004_signals.sql — statistical signals (EARS C1/C2/C3, Farrington) of the
-- daily run over school-day series per class, grade and school.

CREATE TABLE aberration_signal (
  id @ID@,
  school_id BIGINT NOT NULL REFERENCES school(id),
  date TEXT NOT NULL,
  scope TEXT NOT NULL CHECK (scope IN ('class','grade','school')),
  scope_id BIGINT NOT NULL,
  scope_name TEXT NOT NULL,
  code TEXT NOT NULL,
  method TEXT NOT NULL,
  observed DOUBLE PRECISION NOT NULL,
  upperbound DOUBLE PRECISION,
  alarm INTEGER NOT NULL,
  computed_at BIGINT NOT NULL,
  UNIQUE (school_id, date, scope, scope_id, code, method)
);
CREATE INDEX aberration_signal_day ON aberration_signal (school_id, date, alarm);
