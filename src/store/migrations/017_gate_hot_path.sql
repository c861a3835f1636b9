-- 017_gate_hot_path.sql — what a gate reading costs to store.
--
-- Measured on the writer alone (100,000 readings of 50,000 students in
-- batches of 16): storing a reading cost 30 µs, 17 µs of it in the index
-- gate_reading_person (person_id, at).  Its keys are random, so each
-- reading of a batch dirtied a page of its own, written to the log at the
-- commit.  Its one reader is the recheck rule (gate.c), which looks only
-- for earlier readings at 37.3 °C or above (GATE_FEVER_C, and the SQL of
-- store_gate_reading_last must spell the same number for the index to be
-- used): about one reading in two hundred.  A partial index of those keeps
-- the lookup and leaves the other 199 out.
--
-- SQLite: `decision IN ('admit','recheck','refuse')` in a CHECK builds a
-- temporary table of the three values for every row written (as
-- screen_result's did, migration 015): 4 µs of each reading.  The same
-- rule is written with OR, in place: SQLite documents editing
-- sqlite_schema for a change of a CHECK that existing rows still meet
-- (https://www.sqlite.org/lang_altertable.html#otheralter); RESET reloads
-- this connection's schema, and the index change below moves the schema
-- version on, so every other connection reloads it too.
-- @sqlite
PRAGMA writable_schema=ON;
UPDATE sqlite_schema
  SET sql = replace(sql, 'decision IN (''admit'',''recheck'',''refuse'')',
                    '(decision = ''admit'' OR decision = ''recheck'' OR decision = ''refuse'')')
  WHERE type = 'table' AND name = 'gate_reading';
PRAGMA writable_schema=RESET;
-- @end
DROP INDEX gate_reading_person;
CREATE INDEX gate_reading_fever ON gate_reading (person_id, at) WHERE temperature >= 37.3;
