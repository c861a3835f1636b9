-- Screening a whole school reads every declaration of the window in person
-- order (store_declaration_facts).  Through declaration_school (school_id,
-- person_id, date_to) each of those millions of rows cost a second lookup
-- into the table; this index carries the columns the scan reads, so the
-- scan never leaves it (a covering index).  It replaces declaration_school,
-- of which it is an extension, so writes maintain no more indexes than
-- before.
DROP INDEX declaration_school;
CREATE INDEX declaration_scan ON declaration (school_id, person_id, date_to, kind, date_from,
  temperature, symptoms, region);
