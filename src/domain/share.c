/*
 * share.c — see share.h.
 *
 * The allow-list is the three tables below (one per kind).  share_build()
 * writes only fields named there, share_send() runs share_payload_check()
 * on its own payload before signing (so a field added to a builder but not
 * to the table fails the sender, not the partner), and share_receive()
 * refuses any message with a field that is not on the table.  The envelope
 * has an allow-list of its own.
 *
 * Receiving, in order: the partner is found by its public key (unknown →
 * refused), the signature is checked over the exact bytes (forged →
 * refused), then the envelope (version, id, recipient, clock skew), the
 * agreement (the kind must be allowed for that partner) and the payload.
 * Every outcome goes to share_log with the SHA-256 of the bytes.
 */
#include "domain/share.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "domain/census.h"
#include "store/surveillance.h"
#include "util/date.h"
#include "util/https.h"

typedef struct field {
	const char *name;
	char type;                 /* s string, n number, o object, a array of objects */
	const struct field *sub;   /* o and a: the object's fields */
} field;

static const field school_fields[] = {
	{ "code", 's', NULL }, { "name", 's', NULL }, { "enrolled", 'n', NULL },
	{ "expected", 'n', NULL }, { "present", 'n', NULL }, { "absent_sick", 'n', NULL },
	{ "absent_other", 'n', NULL }, { "absent_unknown", 'n', NULL },
	{ "symptomatic", 'n', NULL }, { "febrile", 'n', NULL }, { "classes", 'n', NULL },
	{ "submitted", 'n', NULL }, { NULL, 0, NULL },
};
static const field aggregates_fields[] = {
	{ "session", 's', NULL }, { "schools", 'a', school_fields }, { NULL, 0, NULL },
};
static const field alert_fields[] = {
	{ "school_code", 's', NULL }, { "school_name", 's', NULL }, { "disease", 's', NULL },
	{ "scope", 's', NULL }, { "scope_name", 's', NULL }, { "first_date", 's', NULL },
	{ "last_date", 's', NULL }, { "count", 'n', NULL }, { "status", 's', NULL },
	{ "rule_zh", 's', NULL }, { "rule_en", 's', NULL }, { NULL, 0, NULL },
};
static const field alerts_fields[] = { { "alerts", 'a', alert_fields }, { NULL, 0, NULL } };
/* A traced contact: who (identity) and how they were exposed, nothing else. */
static const field identity_fields[] = {
	{ "name", 's', NULL }, { "gender", 's', NULL }, { "phone", 's', NULL },
	{ "guardian_phone", 's', NULL }, { "jurisdiction", 's', NULL }, { NULL, 0, NULL },
};
static const field exposure_fields[] = {
	{ "disease", 's', NULL }, { "hop", 'n', NULL }, { "exposure_s", 'n', NULL },
	{ "first_contact", 'n', NULL }, { "places", 's', NULL }, { "monitor_from", 's', NULL },
	{ "monitor_to", 's', NULL }, { NULL, 0, NULL },
};
static const field contact_fields[] = {
	{ "ref", 's', NULL }, { "identity", 'o', identity_fields },
	{ "exposure", 'o', exposure_fields }, { NULL, 0, NULL },
};
static const field contacts_fields[] = { { "contacts", 'a', contact_fields }, { NULL, 0, NULL } };
static const field envelope_fields[] = {
	{ "v", 'n', NULL }, { "id", 's', NULL }, { "from", 's', NULL }, { "to", 's', NULL },
	{ "sent_at", 'n', NULL }, { "kind", 's', NULL }, { "date", 's', NULL },
	{ "payload", 'o', NULL }, { NULL, 0, NULL },
};

static const struct kind {
	const char *name;
	int bit;
	const field *fields;
} kinds[] = {
	{ "aggregates", SHARE_AGGREGATES, aggregates_fields },
	{ "alerts", SHARE_ALERTS, alerts_fields },
	{ "contacts", SHARE_CONTACTS, contacts_fields },
};
#define NKINDS (sizeof kinds / sizeof kinds[0])

static const struct kind *kind_find(const char *name)
{
	for (size_t i = 0; i < NKINDS; i++)
		if (name && !strcmp(kinds[i].name, name))
			return &kinds[i];
	return NULL;
}

int share_kind_bit(const char *kind)
{
	const struct kind *k = kind_find(kind);
	return k ? k->bit : 0;
}

int share_allow_parse(const char *list, int *mask, char *canon, size_t size, jy_err *err)
{
	*mask = 0;
	const char *p = list ? list : "";
	while (*p) {
		const char *end = strchrnul(p, ',');
		char name[32];
		size_t n = (size_t)(end - p);
		if (n == 0 || n >= sizeof name)
			return err_at(err, JY_EINVAL, NULL, 0, "allow",
				      "共享类别无效 (allow: a comma list of aggregates, alerts, contacts)");
		memcpy(name, p, n);
		name[n] = 0;
		int bit = share_kind_bit(name);
		if (!bit || (*mask & bit))
			return err_at(err, JY_EINVAL, NULL, 0, "allow",
				      "共享类别无效或重复 (unknown or repeated kind in allow): %s", name);
		*mask |= bit;
		p = *end ? end + 1 : end;
	}
	if (!*mask)
		return err_at(err, JY_EINVAL, NULL, 0, "allow",
			      "协议至少允许一类 (the agreement must allow at least one kind)");
	if (canon) {
		canon[0] = 0;
		size_t used = 0;
		for (size_t i = 0; i < NKINDS; i++)
			if (*mask & kinds[i].bit)
				used += (size_t)snprintf(canon + used, used < size ? size - used : 0, "%s%s",
							 used ? "," : "", kinds[i].name);
	}
	return 0;
}

static int hex_decode(const char *hex, unsigned char *out, size_t n)
{
	size_t got = 0;
	if (!hex || strlen(hex) != 2 * n)
		return -1;
	if (sodium_hex2bin(out, n, hex, 2 * n, NULL, &got, NULL) != 0 || got != n)
		return -1;
	return 0;
}

int share_keygen(store *s, const char *name, int replace, share_key_rec *out, jy_err *err)
{
	if (!name || !*name || strlen(name) >= sizeof out->name)
		return err_at(err, JY_EINVAL, NULL, 0, "name",
			      "需要本辖区名称 (the jurisdiction's name is required, under 64 bytes)");
	share_key_rec old;
	if (!replace && store_share_key_get(s, &old, NULL) == 0)
		return err_set(err, JY_ECONFLICT,
			       "已有密钥 %s（用 --replace 重新生成，伙伴需更新公钥）"
			       "(a key exists; --replace makes a new one and partners must update it)",
			       old.public_key);
	unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
	crypto_sign_keypair(pk, sk);
	memset(out, 0, sizeof *out);
	snprintf(out->name, sizeof out->name, "%s", name);
	sodium_bin2hex(out->public_key, sizeof out->public_key, pk, sizeof pk);
	sodium_bin2hex(out->secret_key, sizeof out->secret_key, sk, sizeof sk);
	sodium_memzero(sk, sizeof sk);
	out->created_at = (int64_t)time(NULL);
	return store_share_key_set(s, out, err);
}

int share_partner_add(store *s, share_partner_rec *p, jy_err *err)
{
	if (!p->name[0])
		return err_at(err, JY_EINVAL, NULL, 0, "name", "需要伙伴名称 (partner name required)");
	if (strncmp(p->url, "https://", 8) != 0 || strlen(p->url) < 9)
		return err_at(err, JY_EINVAL, NULL, 0, "url",
			      "伙伴地址必须是 https:// (the partner URL must be https://): %s", p->url);
	unsigned char pk[crypto_sign_PUBLICKEYBYTES];
	for (char *c = p->public_key; *c; c++)   /* stored as keygen prints it */
		*c = (char)tolower((unsigned char)*c);
	if (hex_decode(p->public_key, pk, sizeof pk))
		return err_at(err, JY_EINVAL, NULL, 0, "key",
			      "公钥应为 64 位十六进制 (the key must be 64 hex digits, from jinyun share keygen)");
	int mask;
	char canon[sizeof p->allow];
	int rc = share_allow_parse(p->allow, &mask, canon, sizeof canon, err);
	if (rc)
		return rc;
	snprintf(p->allow, sizeof p->allow, "%s", canon);
	size_t n = strlen(p->url);
	while (n > 8 && p->url[n - 1] == '/')
		p->url[--n] = 0;
	if (p->ca_file[0]) {
		FILE *f = fopen(p->ca_file, "r");
		if (!f)
			return err_at(err, JY_ENOENT, p->ca_file, 0, "ca",
				      "无法读取证书文件 (cannot read the CA/certificate file)");
		fclose(f);
	}
	return store_share_partner_save(s, p, &p->id, err);
}

/* ---- the allow-list check ---------------------------------------------- */

static int check_object(const cJSON *obj, const field *spec, char *path, size_t size,
			jy_err *err)
{
	size_t base = strlen(path);
	for (const cJSON *c = obj->child; c; c = c->next) {
		const field *f = spec;
		while (f->name && strcmp(f->name, c->string ? c->string : ""))
			f++;
		snprintf(path + base, size - base, "%s%s", base ? "." : "", c->string ? c->string : "?");
		if (!f->name)
			return err_at(err, JY_EINVAL, NULL, 0, path,
				      "字段超出共享协议 (field beyond the agreement): %s", path);
		int ok = f->type == 's' ? cJSON_IsString(c) :
			 f->type == 'n' ? cJSON_IsNumber(c) :
			 f->type == 'o' ? cJSON_IsObject(c) : cJSON_IsArray(c);
		if (!ok)
			return err_at(err, JY_EINVAL, NULL, 0, path, "字段类型不对 (wrong type): %s", path);
		if (f->type == 'o' && f->sub) {
			int rc = check_object(c, f->sub, path, size, err);
			if (rc)
				return rc;
		} else if (f->type == 'a') {
			size_t here = strlen(path);
			int i = 0;
			for (const cJSON *it = c->child; it; it = it->next, i++) {
				snprintf(path + here, size - here, "[%d]", i);
				if (!cJSON_IsObject(it))
					return err_at(err, JY_EINVAL, NULL, 0, path,
						      "应为对象 (expected an object): %s", path);
				int rc = check_object(it, f->sub, path, size, err);
				if (rc)
					return rc;
			}
		}
		path[base] = 0;
	}
	return 0;
}

int share_payload_check(const char *kind, const cJSON *payload, jy_err *err)
{
	const struct kind *k = kind_find(kind);
	if (!k)
		return err_at(err, JY_EINVAL, NULL, 0, "kind", "未知类别 (unknown kind): %s",
			      kind ? kind : "");
	if (!cJSON_IsObject(payload))
		return err_at(err, JY_EINVAL, NULL, 0, "payload", "payload 应为对象 (must be an object)");
	char path[256] = "";
	return check_object(payload, k->fields, path, sizeof path, err);
}

cJSON *share_log_json(const share_log_rec *l)
{
	cJSON *j = cJSON_CreateObject();
	cJSON_AddNumberToObject(j, "id", (double)l->id);
	cJSON_AddNumberToObject(j, "at", (double)l->at);
	cJSON_AddStringToObject(j, "direction", l->direction);
	cJSON_AddStringToObject(j, "partner", l->partner);
	cJSON_AddStringToObject(j, "kind", l->kind);
	cJSON_AddStringToObject(j, "msg_id", l->msg_id);
	cJSON_AddStringToObject(j, "digest", l->digest);
	cJSON_AddNumberToObject(j, "bytes", (double)l->bytes);
	cJSON_AddNumberToObject(j, "items", l->items);
	cJSON_AddStringToObject(j, "status", l->status);
	cJSON_AddStringToObject(j, "detail", l->detail);
	return j;
}

void share_digest(const void *data, size_t len, char hex[65])
{
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, data, len);
	sodium_bin2hex(hex, 65, h, sizeof h);
}

int share_sign(const share_key_rec *k, const char *body, size_t len, char sig_hex[129],
	       jy_err *err)
{
	unsigned char sk[crypto_sign_SECRETKEYBYTES], sig[crypto_sign_BYTES];
	if (hex_decode(k->secret_key, sk, sizeof sk))
		return err_set(err, JY_EINVAL, "密钥损坏 (the stored secret key is not valid hex)");
	crypto_sign_detached(sig, NULL, (const unsigned char *)body, len, sk);
	sodium_memzero(sk, sizeof sk);
	sodium_bin2hex(sig_hex, 129, sig, sizeof sig);
	return 0;
}

/* ---- building payloads ---------------------------------------------------- */

typedef struct agg_ctx {
	store *s;
	const char *date;
	cJSON *schools;
	jy_err *err;
	int rc;
} agg_ctx;

static int add_school(void *vctx, const school_rec *sc)
{
	agg_ctx *x = vctx;
	census c;
	x->rc = census_for_day(x->s, sc->id, x->date, "morning", &c, x->err);
	if (x->rc)
		return 1;
	cJSON *j = cJSON_CreateObject();
	cJSON_AddStringToObject(j, "code", sc->code);
	cJSON_AddStringToObject(j, "name", sc->name);
	cJSON_AddNumberToObject(j, "enrolled", (double)c.school.enrolled);
	cJSON_AddNumberToObject(j, "expected", (double)c.school.expected);
	cJSON_AddNumberToObject(j, "present", (double)c.school.present);
	cJSON_AddNumberToObject(j, "absent_sick", (double)c.school.absent_sick);
	cJSON_AddNumberToObject(j, "absent_other", (double)c.school.absent_other);
	cJSON_AddNumberToObject(j, "absent_unknown", (double)c.school.absent_unknown);
	cJSON_AddNumberToObject(j, "symptomatic", (double)c.school.symptomatic);
	cJSON_AddNumberToObject(j, "febrile", (double)c.school.febrile);
	cJSON_AddNumberToObject(j, "classes", (double)c.school.classes);
	cJSON_AddNumberToObject(j, "submitted", (double)c.school.submitted);
	cJSON_AddItemToArray(x->schools, j);
	census_free(&c);
	return 0;
}

typedef struct alert_ctx {
	store *s;
	cJSON *alerts;
	school_rec sc;   /* the last school looked up */
} alert_ctx;

static int add_alert(void *vctx, const alert_rec *a)
{
	alert_ctx *x = vctx;
	if (x->sc.id != a->school_id && store_school_get(x->s, a->school_id, &x->sc, NULL) != 0)
		memset(&x->sc, 0, sizeof x->sc);
	cJSON *j = cJSON_CreateObject();
	cJSON_AddStringToObject(j, "school_code", x->sc.code);
	cJSON_AddStringToObject(j, "school_name", x->sc.name);
	cJSON_AddStringToObject(j, "disease", a->code);
	cJSON_AddStringToObject(j, "scope", a->scope);
	cJSON_AddStringToObject(j, "scope_name", a->scope_name);
	cJSON_AddStringToObject(j, "first_date", a->first_date);
	cJSON_AddStringToObject(j, "last_date", a->last_date);
	cJSON_AddNumberToObject(j, "count", a->count);
	cJSON_AddStringToObject(j, "status", a->status);
	cJSON_AddStringToObject(j, "rule_zh", a->rule_name_zh);
	cJSON_AddStringToObject(j, "rule_en", a->rule_name_en);
	cJSON_AddItemToArray(x->alerts, j);
	return 0;
}

typedef struct contact_ctx {
	const char *from;
	cJSON *contacts;
	int64_t *ids;
	size_t n, cap;
	int oom;
} contact_ctx;

static int add_contact(void *vctx, const share_contact_rec *c)
{
	contact_ctx *x = vctx;
	if (x->n == x->cap) {
		size_t cap = x->cap ? x->cap * 2 : 16;
		int64_t *ids = realloc(x->ids, cap * sizeof *ids);
		if (!ids) {
			x->oom = 1;
			return 1;
		}
		x->ids = ids;
		x->cap = cap;
	}
	x->ids[x->n++] = c->followup_id;
	char ref[96];
	snprintf(ref, sizeof ref, "%s-%lld", x->from, (long long)c->followup_id);
	cJSON *j = cJSON_CreateObject();
	cJSON_AddStringToObject(j, "ref", ref);
	cJSON *id = cJSON_AddObjectToObject(j, "identity");
	cJSON_AddStringToObject(id, "name", c->name);
	cJSON_AddStringToObject(id, "gender", c->gender);
	cJSON_AddStringToObject(id, "phone", c->phone);
	cJSON_AddStringToObject(id, "guardian_phone", c->guardian_phone);
	cJSON_AddStringToObject(id, "jurisdiction", c->jurisdiction);
	cJSON *ex = cJSON_AddObjectToObject(j, "exposure");
	cJSON_AddStringToObject(ex, "disease", c->disease);
	cJSON_AddNumberToObject(ex, "hop", c->hop);
	cJSON_AddNumberToObject(ex, "exposure_s", (double)c->exposure_s);
	cJSON_AddNumberToObject(ex, "first_contact", (double)c->first_contact);
	cJSON_AddStringToObject(ex, "places", c->places);
	cJSON_AddStringToObject(ex, "monitor_from", c->monitor_from);
	cJSON_AddStringToObject(ex, "monitor_to", c->monitor_to);
	cJSON_AddItemToArray(x->contacts, j);
	return 0;
}

int share_build(store *s, const share_partner_rec *p, const char *kind, const char *date,
		cJSON **payload, int *items, int64_t **ids, size_t *nids, jy_err *err)
{
	*payload = NULL;
	*items = 0;
	if (ids)
		*ids = NULL;
	if (nids)
		*nids = 0;
	int32_t day;
	if (!date || date_parse(date, &day))
		return err_at(err, JY_EINVAL, NULL, 0, "date", "日期应为 YYYY-MM-DD (date must be YYYY-MM-DD)");
	cJSON *j = cJSON_CreateObject();
	if (!j)
		return err_set(err, JY_ENOMEM, "out of memory");
	int rc = 0;
	int bit = share_kind_bit(kind);
	if (bit == SHARE_AGGREGATES) {
		cJSON_AddStringToObject(j, "session", "morning");
		agg_ctx x = { s, date, cJSON_AddArrayToObject(j, "schools"), err, 0 };
		rc = store_share_schools(s, add_school, &x, err);
		if (!rc)
			rc = x.rc;
		*items = cJSON_GetArraySize(x.schools);
	} else if (bit == SHARE_ALERTS) {
		alert_ctx x = { s, cJSON_AddArrayToObject(j, "alerts"), { 0 } };
		rc = store_alert_list(s, 0, date, date, NULL, add_alert, &x, err);
		*items = cJSON_GetArraySize(x.alerts);
	} else if (bit == SHARE_CONTACTS) {
		share_key_rec k;
		rc = store_share_key_get(s, &k, err);
		contact_ctx x = { k.name, cJSON_AddArrayToObject(j, "contacts"), NULL, 0, 0, 0 };
		if (!rc)
			rc = store_share_contacts_pending(s, p->id, p->name, add_contact, &x, err);
		if (!rc && x.oom)
			rc = err_set(err, JY_ENOMEM, "out of memory");
		*items = (int)x.n;
		if (!rc && ids) {
			*ids = x.ids;
			*nids = x.n;
		} else {
			free(x.ids);
		}
	} else {
		rc = err_at(err, JY_EINVAL, NULL, 0, "kind", "未知类别 (unknown kind): %s", kind ? kind : "");
	}
	if (rc) {
		cJSON_Delete(j);
		if (ids) {
			free(*ids);
			*ids = NULL;
		}
		return rc;
	}
	*payload = j;
	return 0;
}

/* ---- receiving ------------------------------------------------------------ */

static void log_received(store *s, const share_partner_rec *p, const share_receipt *r,
			 const char *msg_id, size_t bytes, const char *status, const char *detail)
{
	share_log_rec l;
	memset(&l, 0, sizeof l);
	snprintf(l.direction, sizeof l.direction, "received");
	l.partner_id = p ? p->id : 0;
	snprintf(l.partner, sizeof l.partner, "%s", r->partner[0] ? r->partner : "?");
	snprintf(l.kind, sizeof l.kind, "%s", r->kind);
	snprintf(l.msg_id, sizeof l.msg_id, "%s", msg_id ? msg_id : "");
	snprintf(l.digest, sizeof l.digest, "%s", r->digest);
	l.bytes = (int64_t)bytes;
	l.items = r->items;
	snprintf(l.status, sizeof l.status, "%s", status);
	snprintf(l.detail, sizeof l.detail, "%s", detail ? detail : "");
	store_share_log_add(s, &l, NULL);
}

static int refuse(store *s, const share_partner_rec *p, share_receipt *r, const char *msg_id,
		  size_t bytes, int status, const char *code, int rc, jy_err *err)
{
	r->status = status;
	snprintf(r->code, sizeof r->code, "%s", code);
	char detail[256];
	snprintf(detail, sizeof detail, "%s: %.200s", code, err ? err->msg : "");
	log_received(s, p, r, msg_id, bytes, "refused", detail);
	return rc;
}

static int items_of(const cJSON *payload)
{
	for (const cJSON *c = payload ? payload->child : NULL; c; c = c->next)
		if (cJSON_IsArray(c))
			return cJSON_GetArraySize(c);
	return 0;
}

int share_receive(store *s, const char *key_hex, const char *sig_hex, const char *body,
		  size_t len, share_receipt *r, jy_err *err)
{
	memset(r, 0, sizeof *r);
	share_digest(body, len, r->digest);
	unsigned char pk[crypto_sign_PUBLICKEYBYTES], sig[crypto_sign_BYTES];
	if (hex_decode(key_hex, pk, sizeof pk) || hex_decode(sig_hex, sig, sizeof sig)) {
		err_at(err, JY_EINVAL, NULL, 0, "X-Jinyun-Signature",
		       "缺少或无效的签名头 (missing or malformed X-Jinyun-Key / X-Jinyun-Signature)");
		return refuse(s, NULL, r, NULL, len, 400, "bad_request", JY_EINVAL, err);
	}
	share_partner_rec p;
	if (store_share_partner_by_key(s, key_hex, &p, NULL) != 0) {
		err_set(err, JY_EPERM, "未知的共享伙伴 (unknown partner key %.16s…)", key_hex);
		return refuse(s, NULL, r, NULL, len, 403, "unknown_partner", JY_EPERM, err);
	}
	snprintf(r->partner, sizeof r->partner, "%s", p.name);
	if (crypto_sign_verify_detached(sig, (const unsigned char *)body, len, pk) != 0) {
		err_set(err, JY_EAUTH, "签名无效 (signature does not verify)");
		return refuse(s, &p, r, NULL, len, 401, "bad_signature", JY_EAUTH, err);
	}
	if (!p.enabled) {
		err_set(err, JY_EPERM, "该伙伴已停用 (partner disabled)");
		return refuse(s, &p, r, NULL, len, 403, "partner_disabled", JY_EPERM, err);
	}
	cJSON *env = cJSON_ParseWithLength(body, len);
	if (!cJSON_IsObject(env)) {
		cJSON_Delete(env);
		err_set(err, JY_EINVAL, "消息不是 JSON 对象 (message is not a JSON object)");
		return refuse(s, &p, r, NULL, len, 400, "bad_request", JY_EINVAL, err);
	}
	char path[256] = "";
	const char *id = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(env, "id"));
	const char *to = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(env, "to"));
	const char *kind = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(env, "kind"));
	const char *date = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(env, "date"));
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(env, "v");
	const cJSON *sent_at = cJSON_GetObjectItemCaseSensitive(env, "sent_at");
	cJSON *payload = cJSON_GetObjectItemCaseSensitive(env, "payload");
	snprintf(r->kind, sizeof r->kind, "%s", kind ? kind : "");
	char msg_id[40];
	snprintf(msg_id, sizeof msg_id, "%s", id ? id : "");
	int32_t day;
	share_key_rec me;
	int rc;
	if ((rc = check_object(env, envelope_fields, path, sizeof path, err)) != 0) {
		rc = refuse(s, &p, r, msg_id, len, 422, "beyond_agreement", rc, err);
		goto out;
	}
	if (!cJSON_IsNumber(v) || v->valueint != 1 || !id || strlen(id) != 32 || !to || !kind ||
	    !date || date_parse(date, &day) || !cJSON_IsNumber(sent_at) || !payload) {
		err_set(err, JY_EINVAL, "消息信封不完整 (envelope needs v=1, id, to, sent_at, kind, date, payload)");
		rc = refuse(s, &p, r, msg_id, len, 400, "bad_request", JY_EINVAL, err);
		goto out;
	}
	if (store_share_key_get(s, &me, NULL) != 0 || strcmp(me.name, to) != 0) {
		err_set(err, JY_EPERM, "收件方不是本辖区 (message addressed to %s, not here)", to);
		rc = refuse(s, &p, r, msg_id, len, 403, "wrong_recipient", JY_EPERM, err);
		goto out;
	}
	double skew = sent_at->valuedouble - (double)time(NULL);
	if (skew > SHARE_MAX_SKEW_S || skew < -SHARE_MAX_SKEW_S) {
		err_set(err, JY_EINVAL, "发送时间与本机相差超过 %d 秒 (sent_at off by more than %d s)",
			SHARE_MAX_SKEW_S, SHARE_MAX_SKEW_S);
		rc = refuse(s, &p, r, msg_id, len, 400, "stale", JY_EINVAL, err);
		goto out;
	}
	int mask = 0;
	share_allow_parse(p.allow, &mask, NULL, 0, NULL);
	if (!(share_kind_bit(kind) & mask)) {
		err_set(err, JY_EPERM, "共享协议不包括 %s (the agreement does not allow %s)", kind, kind);
		rc = refuse(s, &p, r, msg_id, len, 403, "not_allowed", JY_EPERM, err);
		goto out;
	}
	r->items = items_of(payload);
	if ((rc = share_payload_check(kind, payload, err)) != 0) {
		rc = refuse(s, &p, r, msg_id, len, 422, "beyond_agreement", rc, err);
		goto out;
	}
	char *text = cJSON_PrintUnformatted(payload);
	int dup = 0;
	rc = text ? store_share_inbox_add(s, p.id, id, kind, date, text, 0, &dup, err) :
		    err_set(err, JY_ENOMEM, "out of memory");
	free(text);
	if (rc) {
		rc = refuse(s, &p, r, msg_id, len, 500, "store_failed", rc, err);
		goto out;
	}
	r->status = 200;
	snprintf(r->code, sizeof r->code, "%s", dup ? "duplicate" : "ok");
	log_received(s, &p, r, msg_id, len, "ok", dup ? "duplicate: already received" : "");
out:
	cJSON_Delete(env);
	return rc;
}

/* ---- sending -------------------------------------------------------------- */

static void log_sent(store *s, const share_partner_rec *p, const share_sent *r,
		     const char *msg_id, size_t bytes)
{
	share_log_rec l;
	memset(&l, 0, sizeof l);
	snprintf(l.direction, sizeof l.direction, "sent");
	l.partner_id = p->id;
	snprintf(l.partner, sizeof l.partner, "%s", p->name);
	snprintf(l.kind, sizeof l.kind, "%s", r->kind);
	snprintf(l.msg_id, sizeof l.msg_id, "%s", msg_id);
	snprintf(l.digest, sizeof l.digest, "%s", r->digest);
	l.bytes = (int64_t)bytes;
	l.items = r->items;
	snprintf(l.status, sizeof l.status, "%s", r->ok ? "ok" : "failed");
	snprintf(l.detail, sizeof l.detail, "%s", r->detail);
	store_share_log_add(s, &l, NULL);
}

/* Build, sign and post one kind to one partner; fills out.  0 = accepted. */
static int send_one(store *s, const share_key_rec *me, const share_partner_rec *p,
		    const char *kind, const char *date, share_sent *out, jy_err *err)
{
	memset(out, 0, sizeof *out);
	snprintf(out->partner, sizeof out->partner, "%s", p->name);
	snprintf(out->kind, sizeof out->kind, "%s", kind);
	cJSON *payload = NULL;
	int64_t *ids = NULL;
	size_t nids = 0;
	int rc = share_build(s, p, kind, date, &payload, &out->items, &ids, &nids, err);
	if (!rc)
		rc = share_payload_check(kind, payload, err);
	if (rc) {
		cJSON_Delete(payload);
		free(ids);
		snprintf(out->detail, sizeof out->detail, "%.250s", err->msg);
		return rc;
	}
	if (share_kind_bit(kind) == SHARE_CONTACTS && nids == 0) {
		cJSON_Delete(payload);
		out->ok = 1;
		snprintf(out->detail, sizeof out->detail, "nothing to send");
		return 1;   /* nothing sent, nothing logged */
	}
	unsigned char rnd[16];
	char msg_id[33];
	randombytes_buf(rnd, sizeof rnd);
	sodium_bin2hex(msg_id, sizeof msg_id, rnd, sizeof rnd);
	cJSON *env = cJSON_CreateObject();
	cJSON_AddNumberToObject(env, "v", 1);
	cJSON_AddStringToObject(env, "id", msg_id);
	cJSON_AddStringToObject(env, "from", me->name);
	cJSON_AddStringToObject(env, "to", p->name);
	cJSON_AddNumberToObject(env, "sent_at", (double)time(NULL));
	cJSON_AddStringToObject(env, "kind", kind);
	cJSON_AddStringToObject(env, "date", date);
	cJSON_AddItemToObject(env, "payload", payload);
	char *body = cJSON_PrintUnformatted(env);
	cJSON_Delete(env);
	if (!body) {
		free(ids);
		return err_set(err, JY_ENOMEM, "out of memory");
	}
	size_t len = strlen(body);
	char sig[129], url[320], h_key[96], h_sig[160];
	share_digest(body, len, out->digest);
	rc = share_sign(me, body, len, sig, err);
	if (!rc) {
		snprintf(url, sizeof url, "%s%s", p->url, SHARE_INBOX_PATH);
		snprintf(h_key, sizeof h_key, "X-Jinyun-Key: %s", me->public_key);
		snprintf(h_sig, sizeof h_sig, "X-Jinyun-Signature: %s", sig);
		https_req q = { "POST", url, p->ca_file,
				{ "Content-Type: application/json", h_key, h_sig, NULL },
				body, len, 0, 0 };
		https_resp a;
		rc = https_request(&q, &a, err);
		if (!rc) {
			out->http_status = a.status;
			out->ok = a.status == 200;
			snprintf(out->detail, sizeof out->detail, "HTTP %ld %.200s", a.status, a.body);
			https_resp_free(&a);
			if (!out->ok)
				rc = err_set(err, JY_EIO, "%s 拒收 %s (refused): %s", p->name, kind, out->detail);
		} else {
			snprintf(out->detail, sizeof out->detail, "%.250s", err->msg);
		}
	} else {
		snprintf(out->detail, sizeof out->detail, "%.250s", err->msg);
	}
	log_sent(s, p, out, msg_id, len);
	for (size_t i = 0; out->ok && i < nids; i++)
		store_share_contact_mark(s, p->id, ids[i], 0, NULL);
	free(ids);
	free(body);
	return rc;
}

typedef struct partners {
	share_partner_rec *v;
	size_t n;
} partners;

static int collect_partner(void *ctx, const share_partner_rec *p)
{
	partners *ps = ctx;
	share_partner_rec *v = realloc(ps->v, (ps->n + 1) * sizeof *v);
	if (!v)
		return 1;
	ps->v = v;
	ps->v[ps->n++] = *p;
	return 0;
}

int share_send(store *s, const char *partner, const char *date, share_sent_cb cb, void *ctx,
	       jy_err *err)
{
	int32_t day;
	if (!date || date_parse(date, &day))
		return err_at(err, JY_EINVAL, NULL, 0, "date", "日期应为 YYYY-MM-DD (date must be YYYY-MM-DD)");
	share_key_rec me;
	int rc = store_share_key_get(s, &me, err);
	if (rc)
		return rc;
	partners ps = { NULL, 0 };
	if (partner) {
		share_partner_rec p;
		rc = store_share_partner_find(s, partner, &p, err);
		if (!rc)
			rc = collect_partner(&ps, &p) ? err_set(err, JY_ENOMEM, "out of memory") : 0;
	} else {
		rc = store_share_partner_list(s, collect_partner, &ps, err);
	}
	int failed = 0;
	char first[sizeof err->msg] = "";
	for (size_t i = 0; !rc && i < ps.n; i++) {
		if (!ps.v[i].enabled)
			continue;
		int mask = 0;
		share_allow_parse(ps.v[i].allow, &mask, NULL, 0, NULL);
		for (size_t k = 0; k < NKINDS; k++) {
			if (!(mask & kinds[k].bit))
				continue;
			share_sent r;
			jy_err e;
			err_clear(&e);
			int one = send_one(s, &me, &ps.v[i], kinds[k].name, date, &r, &e);
			if (one < 0 && !failed++)
				snprintf(first, sizeof first, "%s", e.msg);
			if (one <= 0 && cb)
				cb(ctx, &r);
		}
	}
	free(ps.v);
	if (!rc && failed)
		rc = err_set(err, JY_EIO, "%d 条消息未被接收 (%d message(s) not accepted); 第一条 first: %s",
			     failed, failed, first);
	return rc;
}
