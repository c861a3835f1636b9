/*
 * share.h — jurisdiction sharing (信息共享、互认): two Jinyun deployments
 * exchange what their agreement allows, signed with Ed25519 (libsodium),
 * over HTTPS, with a log on both sides.
 *
 * A message is one JSON envelope, sent as the body of
 * POST {partner url}/api/share/inbox with the headers
 *   X-Jinyun-Key:        the sender's public key (hex)
 *   X-Jinyun-Signature:  Ed25519 signature of the exact body bytes (hex)
 * and the envelope is
 *   {"v":1,"id":"<32 hex>","from":NAME,"to":PARTNER,"sent_at":UNIX,
 *    "kind":"aggregates|alerts|contacts","date":"YYYY-MM-DD","payload":{…}}
 *
 * What may be in a payload is an allow-list (share.c, one table per kind):
 * the sender builds the payload from it and checks it again before signing,
 * the receiver refuses any field not on it.  Aggregates and alerts carry no
 * person; a contact carries identity (name, gender, phone, guardian phone,
 * home jurisdiction) and exposure (disease, hop, seconds, first contact,
 * places, monitoring dates) only — never the case it came from, the class,
 * the dorm, checks or symptoms.
 */
#ifndef JY_SHARE_H
#define JY_SHARE_H

#include <cjson/cJSON.h>

#include "store/share.h"

#define SHARE_INBOX_PATH "/api/share/inbox"
#define SHARE_MAX_SKEW_S 900   /* sent_at may differ from the receiver's clock by this */

enum { SHARE_AGGREGATES = 1, SHARE_ALERTS = 2, SHARE_CONTACTS = 4 };

/* Parse "aggregates,alerts,contacts" (any order, no repeats) into a mask and
 * its canonical sorted text; JY_EINVAL naming the unknown kind. */
int share_allow_parse(const char *list, int *mask, char *canon, size_t size, jy_err *err);
/* The mask bit of a kind name (0 when unknown). */
int share_kind_bit(const char *kind);

/* Make (or, with replace, remake) this deployment's keypair under name. */
int share_keygen(store *s, const char *name, int replace, share_key_rec *out, jy_err *err);

/* Check a partner record (name, https URL, key, allow list) and save it. */
int share_partner_add(store *s, share_partner_rec *p, jy_err *err);

/* The payload of kind for date, built from the allow-list.  For contacts,
 * the follow-up ids sent go to *ids (malloc'd, *nids) so that the caller
 * marks them once the partner accepted.  *items: how many rows it holds. */
int share_build(store *s, const share_partner_rec *p, const char *kind, const char *date,
		cJSON **payload, int *items, int64_t **ids, size_t *nids, jy_err *err);

/* 0 when every field of payload is on kind's allow-list with the right
 * type; JY_EINVAL with err->column the path of the first that is not
 * (e.g. contacts[0].identity.class). */
int share_payload_check(const char *kind, const cJSON *payload, jy_err *err);

/* A log record as JSON (the API and `jinyun share log --json`). */
cJSON *share_log_json(const share_log_rec *l);

/* SHA-256 of data, hex. */
void share_digest(const void *data, size_t len, char hex[65]);

/* What receiving one message came to (for the HTTP answer). */
typedef struct share_receipt {
	int status;              /* HTTP status to answer */
	char code[32];           /* ok duplicate bad_request unknown_partner bad_signature … */
	char partner[64];
	char kind[16];
	char digest[65];
	int items;
} share_receipt;

/* Receive one message: find the partner by key_hex, verify sig_hex over
 * body, check the envelope, the agreement and the allow-list, store it and
 * log it (refusals are logged too).  Returns 0 when accepted (or a
 * duplicate), a negative code when refused; r and err say why. */
int share_receive(store *s, const char *key_hex, const char *sig_hex, const char *body,
		  size_t len, share_receipt *r, jy_err *err);

/* Sign body with this deployment's key (sig_hex: 129 bytes). */
int share_sign(const share_key_rec *k, const char *body, size_t len, char sig_hex[129],
	       jy_err *err);

/* One line of a send run, for the CLI to print. */
typedef struct share_sent {
	char partner[64];
	char kind[16];
	int items;
	long http_status;        /* 0 = no answer */
	int ok;
	char digest[65];
	char detail[256];
} share_sent;
typedef void (*share_sent_cb)(void *ctx, const share_sent *r);

/* Send date's messages to one partner (name) or every enabled partner (NULL):
 * each allowed kind, signed, over HTTPS, logged.  Contacts that were
 * accepted are not sent again.  Returns 0 when every message was accepted,
 * JY_EIO when one failed (the others are still sent). */
int share_send(store *s, const char *partner, const char *date, share_sent_cb cb, void *ctx,
	       jy_err *err);

#endif
