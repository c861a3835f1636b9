-- 005_person_indexes.sql — indexes the roster's access paths need at a
-- million people (measured in bench/foundation.sh): school-wide keyset
-- pages walk (school_id, id) instead of sorting the school, and a search
-- by name or number prefix is a range on (school_id, name) / (school_id, number).
CREATE INDEX person_school_page ON person (school_id, id);
