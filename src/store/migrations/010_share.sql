-- 010_share.sql — jurisdiction sharing (信息共享、互认): this deployment's
-- signing key, its partners and what each agreement allows, what came in,
-- and the log of every message sent or received.  Portable SQL (see 001).

-- Where a person lives or studies when that is another jurisdiction than
-- this deployment's ('' = here).  A traced contact whose home_jurisdiction
-- names a partner is sent to that partner (identity and exposure only).
ALTER TABLE person ADD COLUMN home_jurisdiction TEXT NOT NULL DEFAULT '';

-- This deployment's Ed25519 keypair (libsodium crypto_sign), hex.  One row.
-- The secret key never leaves the database; keep backups as private as it.
CREATE TABLE share_key (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  name TEXT NOT NULL,
  public_key TEXT NOT NULL,
  secret_key TEXT NOT NULL,
  created_at BIGINT NOT NULL
);

-- A partner jurisdiction and the agreement with it, as data: allow is a
-- sorted comma list of aggregates, alerts, contacts.  ca_file: the pinned
-- certificate (or CA) its HTTPS endpoint must present.
CREATE TABLE share_partner (
  id @ID@,
  name TEXT NOT NULL UNIQUE,
  url TEXT NOT NULL,
  public_key TEXT NOT NULL UNIQUE,
  allow TEXT NOT NULL,
  ca_file TEXT NOT NULL DEFAULT '',
  enabled INTEGER NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);

-- What a partner sent and this side accepted: one row per message, the
-- payload as received (already checked against the allow-list).
CREATE TABLE share_inbox (
  id @ID@,
  partner_id BIGINT NOT NULL REFERENCES share_partner(id),
  msg_id TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('aggregates','alerts','contacts')),
  date TEXT NOT NULL,
  payload TEXT NOT NULL,
  received_at BIGINT NOT NULL,
  UNIQUE (partner_id, msg_id)
);
CREATE INDEX share_inbox_kind ON share_inbox (kind, date);

-- Every message, both ways, accepted or refused: who, what kind, the
-- SHA-256 of the exact bytes, and the outcome.  Append-only like the audit
-- log.
CREATE TABLE share_log (
  id @ID@,
  at BIGINT NOT NULL,
  direction TEXT NOT NULL CHECK (direction IN ('sent','received')),
  partner_id BIGINT REFERENCES share_partner(id),
  partner TEXT NOT NULL,
  kind TEXT NOT NULL,
  msg_id TEXT NOT NULL DEFAULT '',
  digest TEXT NOT NULL,
  bytes BIGINT NOT NULL,
  items INTEGER NOT NULL DEFAULT 0,
  status TEXT NOT NULL CHECK (status IN ('ok','refused','failed')),
  detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX share_log_at ON share_log (at);

-- The contacts already sent to a partner, so that each goes once.
CREATE TABLE share_contact_sent (
  partner_id BIGINT NOT NULL REFERENCES share_partner(id),
  followup_id BIGINT NOT NULL REFERENCES contact_followup(id),
  sent_at BIGINT NOT NULL,
  PRIMARY KEY (partner_id, followup_id)
);

-- @sqlite
CREATE TRIGGER share_log_no_update BEFORE UPDATE ON share_log
BEGIN SELECT RAISE(ABORT, 'share_log is append-only'); END;
CREATE TRIGGER share_log_no_delete BEFORE DELETE ON share_log
BEGIN SELECT RAISE(ABORT, 'share_log is append-only'); END;
-- @end
-- @postgres
CREATE FUNCTION share_log_append_only() RETURNS trigger LANGUAGE plpgsql AS
$$ BEGIN RAISE EXCEPTION 'share_log is append-only'; END $$;
CREATE TRIGGER share_log_no_change BEFORE UPDATE OR DELETE ON share_log
FOR EACH ROW EXECUTE FUNCTION share_log_append_only();
-- @end
