-- 006_event_units.sql — the class and dorm room a person was in when a
-- health event was recorded, kept on the event.  The cluster rules for a
-- class then read that class's events through an index instead of the whole
-- school's (bench/checks.sh: most of a check's time went there), and a
-- student who changes class later does not move their past cases.
ALTER TABLE health_event ADD COLUMN class_id BIGINT;
ALTER TABLE health_event ADD COLUMN dorm_id BIGINT;
UPDATE health_event SET
  class_id = (SELECT p.class_id FROM person p WHERE p.id = health_event.person_id),
  dorm_id = (SELECT p.dorm_id FROM person p WHERE p.id = health_event.person_id);
CREATE INDEX health_event_class ON health_event (class_id, date);
