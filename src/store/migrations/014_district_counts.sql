-- 014_district_counts.sql — what the district overview counts, kept where
-- it reads it in one row instead of counting 300,000 rows per request.
--
-- A check submission's entries and its flagged entries (absent by reason,
-- symptomatic, febrile at 37.3 °C or above), written with the submission
-- by the check (store_check_submit, one transaction).  Entries are never
-- changed after: a correction is a new submission.  The purge, which
-- deletes the entries of old days but keeps a submission that events point
-- at, sets them to 0 with the entries.  Existing submissions are counted
-- here from their entries.
ALTER TABLE check_submission ADD COLUMN entries INTEGER NOT NULL DEFAULT 0;
ALTER TABLE check_submission ADD COLUMN absent_sick INTEGER NOT NULL DEFAULT 0;
ALTER TABLE check_submission ADD COLUMN absent_other INTEGER NOT NULL DEFAULT 0;
ALTER TABLE check_submission ADD COLUMN absent_unknown INTEGER NOT NULL DEFAULT 0;
ALTER TABLE check_submission ADD COLUMN symptomatic INTEGER NOT NULL DEFAULT 0;
ALTER TABLE check_submission ADD COLUMN febrile INTEGER NOT NULL DEFAULT 0;
UPDATE check_submission SET
  entries = (SELECT COUNT(*) FROM check_entry e WHERE e.submission_id = check_submission.id),
  absent_sick = (SELECT COUNT(*) FROM check_entry e
                 WHERE e.submission_id = check_submission.id AND e.status = 'absent_sick'),
  absent_other = (SELECT COUNT(*) FROM check_entry e
                  WHERE e.submission_id = check_submission.id AND e.status = 'absent_other'),
  absent_unknown = (SELECT COUNT(*) FROM check_entry e
                    WHERE e.submission_id = check_submission.id AND e.status = 'absent_unknown'),
  symptomatic = (SELECT COUNT(*) FROM check_entry e
                 WHERE e.submission_id = check_submission.id AND e.symptoms <> ''),
  febrile = (SELECT COUNT(*) FROM check_entry e
             WHERE e.submission_id = check_submission.id AND e.temperature >= 37.3);

-- A class's enrolled students (active students of its school in it), kept
-- by triggers on person, so that every write of a person, whatever writes
-- it (roster import, the API, the demo, a transfer, a restore), keeps it
-- exact in its own transaction.  Counted as the overview counted it:
-- kind 'student', active = 1, class and person of the same school.
-- @postgres
-- No person changes between the count below and the triggers.
LOCK TABLE person IN SHARE ROW EXCLUSIVE MODE;
-- @end
ALTER TABLE class ADD COLUMN enrolled INTEGER NOT NULL DEFAULT 0;
UPDATE class SET enrolled = (SELECT COUNT(*) FROM person p WHERE p.class_id = class.id
  AND p.school_id = class.school_id AND p.kind = 'student' AND p.active = 1);
-- @sqlite
CREATE TRIGGER class_enrolled_insert AFTER INSERT ON person
WHEN NEW.kind = 'student' AND NEW.active = 1 AND NEW.class_id IS NOT NULL
BEGIN
  UPDATE class SET enrolled = enrolled + 1 WHERE id = NEW.class_id AND school_id = NEW.school_id;
END;
CREATE TRIGGER class_enrolled_delete AFTER DELETE ON person
WHEN OLD.kind = 'student' AND OLD.active = 1 AND OLD.class_id IS NOT NULL
BEGIN
  UPDATE class SET enrolled = enrolled - 1 WHERE id = OLD.class_id AND school_id = OLD.school_id;
END;
CREATE TRIGGER class_enrolled_update AFTER UPDATE OF kind, active, class_id, school_id ON person
WHEN OLD.kind IS NOT NEW.kind OR OLD.active IS NOT NEW.active
  OR OLD.class_id IS NOT NEW.class_id OR OLD.school_id IS NOT NEW.school_id
BEGIN
  UPDATE class SET enrolled = enrolled - 1 WHERE OLD.kind = 'student' AND OLD.active = 1
    AND id = OLD.class_id AND school_id = OLD.school_id;
  UPDATE class SET enrolled = enrolled + 1 WHERE NEW.kind = 'student' AND NEW.active = 1
    AND id = NEW.class_id AND school_id = NEW.school_id;
END;
-- @end
-- @postgres
CREATE FUNCTION class_enrolled_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    IF OLD.kind = 'student' AND OLD.active = 1 AND OLD.class_id IS NOT NULL THEN
      UPDATE class SET enrolled = enrolled - 1
        WHERE id = OLD.class_id AND school_id = OLD.school_id;
    END IF;
  END IF;
  IF TG_OP <> 'DELETE' THEN
    IF NEW.kind = 'student' AND NEW.active = 1 AND NEW.class_id IS NOT NULL THEN
      UPDATE class SET enrolled = enrolled + 1
        WHERE id = NEW.class_id AND school_id = NEW.school_id;
    END IF;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER class_enrolled_insert_delete AFTER INSERT OR DELETE ON person
FOR EACH ROW EXECUTE FUNCTION class_enrolled_count();
CREATE TRIGGER class_enrolled_update AFTER UPDATE OF kind, active, class_id, school_id ON person
FOR EACH ROW WHEN (OLD.kind IS DISTINCT FROM NEW.kind OR OLD.active IS DISTINCT FROM NEW.active
  OR OLD.class_id IS DISTINCT FROM NEW.class_id OR OLD.school_id IS DISTINCT FROM NEW.school_id)
EXECUTE FUNCTION class_enrolled_count();
-- @end
