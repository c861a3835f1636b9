/*
 * share.h — storage of jurisdiction sharing: this deployment's signing key,
 * its partners (the agreements, as data), the messages received, the log of
 * every message both ways, the contacts already sent, and the person's home
 * jurisdiction.  Same conventions as store.h (0 or negative JY_E*, one
 * jy_err, records with fixed text fields).
 */
#ifndef JY_STORE_SHARE_H
#define JY_STORE_SHARE_H

#include "store/store.h"

typedef struct share_key_rec {
	char name[64];           /* this jurisdiction's name as partners know it */
	char public_key[65];     /* hex, 32 bytes */
	char secret_key[129];    /* hex, 64 bytes */
	int64_t created_at;
} share_key_rec;

/* The keypair (JY_ENOENT when none was made yet). */
int store_share_key_get(store *s, share_key_rec *out, jy_err *err);
/* Store the keypair, replacing any earlier one. */
int store_share_key_set(store *s, const share_key_rec *k, jy_err *err);

typedef struct share_partner_rec {
	int64_t id;
	char name[64];
	char url[256];           /* https://host:port (the inbox is /api/share/inbox) */
	char public_key[65];     /* hex */
	char allow[64];          /* comma list: aggregates,alerts,contacts */
	char ca_file[256];       /* pinned certificate or CA, "" = system CAs */
	int enabled;
	int64_t created_at, updated_at;
} share_partner_rec;

/* Insert or update by name; *id (may be NULL) receives its id. */
int store_share_partner_save(store *s, const share_partner_rec *p, int64_t *id, jy_err *err);
int store_share_partner_find(store *s, const char *name, share_partner_rec *out, jy_err *err);
int store_share_partner_by_key(store *s, const char *public_key, share_partner_rec *out,
			       jy_err *err);
typedef int (*store_share_partner_cb)(void *ctx, const share_partner_rec *p);
int store_share_partner_list(store *s, store_share_partner_cb cb, void *ctx, jy_err *err);

typedef struct share_log_rec {
	int64_t id, at, partner_id;   /* partner_id 0 = unknown sender */
	char direction[10];           /* sent received */
	char partner[64];
	char kind[16];
	char msg_id[40];
	char digest[65];              /* SHA-256 of the exact bytes, hex */
	int64_t bytes;
	int items;
	char status[10];              /* ok refused failed */
	char detail[256];
} share_log_rec;

int store_share_log_add(store *s, const share_log_rec *l, jy_err *err);
typedef int (*store_share_log_cb)(void *ctx, const share_log_rec *l);
/* Newest first; before 0 = from the newest; limit ≤ 0 = 100. */
int store_share_log_list(store *s, int64_t before, int64_t limit, store_share_log_cb cb,
			 void *ctx, jy_err *err);

/* Keep an accepted message; *duplicate is 1 (and nothing is written) when
 * the partner's msg_id was received before. */
int store_share_inbox_add(store *s, int64_t partner_id, const char *msg_id, const char *kind,
			  const char *date, const char *payload, int64_t at, int *duplicate,
			  jy_err *err);
typedef struct share_inbox_rec {
	int64_t id, partner_id, received_at;
	char partner[64];
	char msg_id[40];
	char kind[16];
	char date[11];
	const char *payload;     /* valid during the callback */
} share_inbox_rec;
typedef int (*store_share_inbox_cb)(void *ctx, const share_inbox_rec *m);
/* kind and date may be NULL (any); newest first, at most limit (≤ 0 = 100). */
int store_share_inbox_list(store *s, const char *kind, const char *date, int64_t limit,
			   store_share_inbox_cb cb, void *ctx, jy_err *err);

/* Every school of the database, by id. */
typedef int (*store_school_cb)(void *ctx, const school_rec *sc);
int store_share_schools(store *s, store_school_cb cb, void *ctx, jy_err *err);

/* A traced contact living or studying in another jurisdiction, not yet
 * sent to that partner: only what may cross (identity and exposure) is read. */
typedef struct share_contact_rec {
	int64_t followup_id;
	char name[96];
	char gender[2];
	char phone[32], guardian_phone[32];
	char jurisdiction[64];
	char disease[24];
	int hop;
	int64_t exposure_s, first_contact;
	char places[256];
	char monitor_from[11], monitor_to[11];
	char status[16];
} share_contact_rec;
typedef int (*store_share_contact_cb)(void *ctx, const share_contact_rec *c);
int store_share_contacts_pending(store *s, int64_t partner_id, const char *jurisdiction,
				 store_share_contact_cb cb, void *ctx, jy_err *err);
int store_share_contact_mark(store *s, int64_t partner_id, int64_t followup_id, int64_t at,
			     jy_err *err);

/* A person's home jurisdiction ("" = this one). */
int store_person_jurisdiction_set(store *s, int64_t person_id, const char *jurisdiction,
				  jy_err *err);
int store_person_jurisdiction_get(store *s, int64_t person_id, char *out, size_t size,
				  jy_err *err);

#endif
