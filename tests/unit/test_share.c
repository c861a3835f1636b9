/*
 * test_share.c — jurisdiction sharing between two real `jinyun serve`
 * processes on loopback, both on HTTPS with a self-signed certificate made
 * at test time (openssl), each with its own database: 北碚 (beibei, A) and
 * 绵阳 (mianyang, B).
 *
 * A sends B the day's aggregates, alerts and a traced contact who lives in
 * B's jurisdiction; B keeps them and both sides log every message with the
 * same digest.  The contact carries identity and exposure only (not the
 * case it came from, not the class); the aggregates name no person.  B
 * refuses and logs: a forged signature, an unknown partner, a field beyond
 * the agreement, a kind the agreement does not allow, a message for
 * another jurisdiction.  Who may read the log and the inbox.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>
#include <sodium.h>

#include "domain/share.h"
#include "store/cases.h"
#include "store/share.h"
#include "util/https.h"
#include "httpc.h"
#include "testutil.h"

typedef struct side {
	char db[512];
	char key[65];
	test_server srv;
	char url[64];
	char admin[300];
	char log[512];     /* the server's stderr */
} side;

static struct {
	char *dir;
	char cert[512], tlskey[512];
	side a, b;
	char b_teacher[300], b_district[300];
	int64_t case_person, contact_person;
} fx;

static const char roster_csv[] = "学号,姓名,性别,年级,班级,宿舍,监护人电话\n"
				 "S01,张一,男,2019级,一班,A101,13800000001\n"
				 "S02,李二,女,2019级,一班,B201,13800000002\n"
				 "S03,王三,男,2019级,二班,A102,13800000003\n";

/* One HTTPS request to a side; cookie may be NULL. */
static int call(const side *s, const char *method, const char *path, const char *cookie,
		const char *body, https_resp *r)
{
	char url[256], ck[320];
	snprintf(url, sizeof url, "%s%s", s->url, path);
	snprintf(ck, sizeof ck, "Cookie: %s", cookie ? cookie : "");
	https_req q = { method, url, fx.cert, { "Content-Type: application/json",
						cookie ? ck : NULL, NULL },
			body, body ? strlen(body) : 0, 10, 0 };
	jy_err err;
	int rc = https_request(&q, r, &err);
	if (rc)
		fprintf(stderr, "https: %s\n", err.msg);
	return rc;
}

static int login(const side *s, const char *user, char *cookie, size_t size)
{
	char body[160];
	snprintf(body, sizeof body, "{\"username\":\"%s\",\"password\":\"password-123\"}", user);
	https_resp r;
	if (call(s, "POST", "/api/session", NULL, body, &r))
		return -1;
	int ok = r.status == 200 && r.set_cookie[0];
	snprintf(cookie, size, "%s", r.set_cookie);
	https_resp_free(&r);
	return ok ? 0 : -1;
}

static int make_side(side *s, const char *name, const char *csv)
{
	char file[80];
	snprintf(file, sizeof file, "%s.db", name);
	tu_db(s->db, sizeof s->db, fx.dir, file);
	char cmd[2048];
	snprintf(cmd, sizeof cmd, "%s import roster --db %s %s", tu_jinyun_bin(), s->db, csv);
	if (tu_run_ok(cmd, NULL, NULL))
		return -1;
	static const char *users[][3] = { { "admin", "admin", NULL },
					  { "t1", "teacher", "一班" },
					  { "qu", "district", "区" } };
	for (int i = 0; i < 3; i++) {
		snprintf(cmd, sizeof cmd, "%s user add --db %s --name %s --role %s%s%s%s",
			 tu_jinyun_bin(), s->db, users[i][0], users[i][1],
			 users[i][2] ? " --scope '" : "", users[i][2] ? users[i][2] : "",
			 users[i][2] ? "'" : "");
		if (tu_run_ok(cmd, "password-123\n", NULL))
			return -1;
	}
	char *out = NULL;
	snprintf(cmd, sizeof cmd, "%s share keygen --db %s --name %s", tu_jinyun_bin(), s->db, name);
	if (tu_run_ok(cmd, NULL, &out))
		return -1;
	snprintf(s->key, sizeof s->key, "%.64s", out);
	free(out);
	const char *extra[] = { "--tls-cert", fx.cert, "--tls-key", fx.tlskey, NULL };
	snprintf(s->log, sizeof s->log, "%s/%s.log", fx.dir, name);
	if (test_server_start_ex(&s->srv, s->db, extra, s->log))
		return -1;
	snprintf(s->url, sizeof s->url, "https://127.0.0.1:%d", s->srv.port);
	return login(s, "admin", s->admin, sizeof s->admin);
}

static int add_partner(const side *on, const char *name, const side *other, const char *allow)
{
	char cmd[2048];
	snprintf(cmd, sizeof cmd,
		 "%s share partner add --db %s --name %s --url %s --key %s --allow %s --ca %s",
		 tu_jinyun_bin(), on->db, name, other->url, other->key, allow, fx.cert);
	return tu_run_ok(cmd, NULL, NULL);
}

/* A case (张一) and a close contact under follow-up (李二), written through
 * the store as the tracing code does. */
static int make_contact(void)
{
	store *s = NULL;
	jy_err err;
	if (store_open(fx.a.db, &s, &err))
		return -1;
	school_rec sc;
	person_rec p1, p2;
	int rc = store_school_default(s, &sc, &err);
	rc = rc ? rc : store_person_find(s, sc.id, "S01", &p1, &err);
	rc = rc ? rc : store_person_find(s, sc.id, "S02", &p2, &err);
	cases_rec c;
	memset(&c, 0, sizeof c);
	c.school_id = sc.id;
	c.person_id = p1.id;
	strcpy(c.code, "influenza");
	strcpy(c.classification, "confirmed");
	c.report_due_at = time(NULL) + 86400;
	c.created_at = c.updated_at = time(NULL);
	int64_t case_id = 0, fid = 0;
	rc = rc ? rc : store_case_add(s, &c, &case_id, &err);
	followup_rec f;
	memset(&f, 0, sizeof f);
	f.school_id = sc.id;
	f.case_id = case_id;
	f.person_id = p2.id;
	f.hop = 1;
	f.exposure_s = 5400;
	f.first_contact = time(NULL) - 3600;
	strcpy(f.places, "教学楼 101");
	strcpy(f.start_date, "2026-11-20");
	strcpy(f.end_date, "2026-11-27");
	strcpy(f.status, "monitoring");
	f.created_at = time(NULL);
	int created = 0;
	rc = rc ? rc : store_followup_add(s, &f, &fid, &created, &err);
	if (rc)
		fprintf(stderr, "make_contact: %s\n", err.msg);
	fx.case_person = p1.id;
	fx.contact_person = p2.id;
	store_close(s);
	return rc;
}

static int setup(void **state)
{
	(void)state;
	fx.dir = tu_tmpdir();
	char *csv = tu_write_file(fx.dir, "roster.csv", roster_csv, (size_t)-1);
	snprintf(fx.cert, sizeof fx.cert, "%s/cert.pem", fx.dir);
	snprintf(fx.tlskey, sizeof fx.tlskey, "%s/key.pem", fx.dir);
	char cmd[2048];
	snprintf(cmd, sizeof cmd,
		 "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 "
		 "-subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 -keyout %s -out %s",
		 fx.tlskey, fx.cert);
	int rc = tu_run_ok(cmd, NULL, NULL);
	rc = rc ? rc : make_side(&fx.a, "beibei", csv);
	rc = rc ? rc : make_side(&fx.b, "mianyang", csv);
	free(csv);
	rc = rc ? rc : add_partner(&fx.a, "mianyang", &fx.b, "aggregates,alerts,contacts");
	rc = rc ? rc : add_partner(&fx.b, "beibei", &fx.a, "contacts,aggregates,alerts");
	rc = rc ? rc : make_contact();
	rc = rc ? rc : login(&fx.b, "t1", fx.b_teacher, sizeof fx.b_teacher);
	rc = rc ? rc : login(&fx.b, "qu", fx.b_district, sizeof fx.b_district);
	return rc;
}

static int teardown(void **state)
{
	(void)state;
	test_server_stop(&fx.a.srv);
	test_server_stop(&fx.b.srv);
	tu_rmtree_free(fx.dir);
	return 0;
}

/* GET path as cookie on side s; the parsed JSON (caller deletes). */
static cJSON *get_json(const side *s, const char *path, const char *cookie, long want)
{
	https_resp r;
	assert_int_equal(call(s, "GET", path, cookie, NULL, &r), 0);
	if (r.status != want)
		fprintf(stderr, "GET %s: %ld %s\n", path, r.status, r.body);
	assert_int_equal(r.status, want);
	cJSON *j = cJSON_Parse(r.body);
	https_resp_free(&r);
	assert_non_null(j);
	return j;
}

static int count_log(const side *s, const char *direction, const char *status, const char *code)
{
	cJSON *j = get_json(s, "/api/share/log?limit=1000", s->admin, 200);
	int n = 0;
	cJSON *it;
	cJSON_ArrayForEach(it, cJSON_GetObjectItem(j, "items"))
	{
		const char *d = cJSON_GetStringValue(cJSON_GetObjectItem(it, "direction"));
		const char *st = cJSON_GetStringValue(cJSON_GetObjectItem(it, "status"));
		const char *det = cJSON_GetStringValue(cJSON_GetObjectItem(it, "detail"));
		if (!strcmp(d, direction) && !strcmp(st, status) && (!code || strstr(det, code)))
			n++;
	}
	cJSON_Delete(j);
	return n;
}

/* The keys of obj, sorted, comma-separated. */
static void keys_of(const cJSON *obj, char *out, size_t size)
{
	const char *names[32];
	int n = 0;
	for (const cJSON *c = obj->child; c && n < 32; c = c->next)
		names[n++] = c->string;
	for (int i = 1; i < n; i++)
		for (int k = i; k > 0 && strcmp(names[k - 1], names[k]) > 0; k--) {
			const char *t = names[k];
			names[k] = names[k - 1];
			names[k - 1] = t;
		}
	out[0] = 0;
	size_t used = 0;
	for (int i = 0; i < n; i++)
		used += (size_t)snprintf(out + used, size - used, "%s%s", i ? "," : "", names[i]);
}

static void test_share_sends_agreed_kinds_with_only_identity_and_exposure(void **state)
{
	(void)state;
	/* 李二 lives in 绵阳: set through the API (audited, admin only). */
	char path[96], body[96];
	snprintf(path, sizeof path, "/api/people/%lld/jurisdiction", (long long)fx.contact_person);
	snprintf(body, sizeof body, "{\"home_jurisdiction\":\"mianyang\"}");
	https_resp r;
	assert_int_equal(call(&fx.a, "PUT", path, fx.a.admin, body, &r), 0);
	assert_int_equal(r.status, 200);
	https_resp_free(&r);

	char cmd[1024], *out = NULL;
	snprintf(cmd, sizeof cmd, "%s share send --db %s --date 2026-11-27", tu_jinyun_bin(), fx.a.db);
	assert_int_equal(tu_run_ok(cmd, NULL, &out), 0);
	assert_non_null(strstr(out, "contacts\t1\tok"));
	free(out);

	/* B kept all three; the contact is identity and exposure only. */
	cJSON *j = get_json(&fx.b, "/api/share/inbox?kind=contacts", fx.b.admin, 200);
	cJSON *items = cJSON_GetObjectItem(j, "items");
	assert_int_equal(cJSON_GetArraySize(items), 1);
	cJSON *payload = cJSON_GetObjectItem(cJSON_GetArrayItem(items, 0), "payload");
	char *text = cJSON_PrintUnformatted(payload);
	cJSON *c0 = cJSON_GetArrayItem(cJSON_GetObjectItem(payload, "contacts"), 0);
	char keys[512];
	keys_of(c0, keys, sizeof keys);
	assert_string_equal(keys, "exposure,identity,ref");
	keys_of(cJSON_GetObjectItem(c0, "identity"), keys, sizeof keys);
	assert_string_equal(keys, "gender,guardian_phone,jurisdiction,name,phone");
	keys_of(cJSON_GetObjectItem(c0, "exposure"), keys, sizeof keys);
	assert_string_equal(keys, "disease,exposure_s,first_contact,hop,monitor_from,monitor_to,places");
	assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetObjectItem(c0, "identity"), "name")),
			    "李二");
	/* Nothing about the case (张一), the class or the dorm crosses. */
	assert_null(strstr(text, "张一"));
	assert_null(strstr(text, "13800000001"));
	assert_null(strstr(text, "一班"));
	assert_null(strstr(text, "B201"));
	free(text);
	cJSON_Delete(j);

	j = get_json(&fx.b, "/api/share/inbox?kind=aggregates", fx.b.admin, 200);
	items = cJSON_GetObjectItem(j, "items");
	assert_int_equal(cJSON_GetArraySize(items), 1);
	payload = cJSON_GetObjectItem(cJSON_GetArrayItem(items, 0), "payload");
	cJSON *school = cJSON_GetArrayItem(cJSON_GetObjectItem(payload, "schools"), 0);
	assert_int_equal(cJSON_GetObjectItem(school, "enrolled")->valueint, 3);
	text = cJSON_PrintUnformatted(payload);
	assert_null(strstr(text, "张一"));
	assert_null(strstr(text, "李二"));
	assert_null(strstr(text, "S0"));
	free(text);
	cJSON_Delete(j);

	/* Both sides logged the same three messages with the same digests. */
	cJSON *la = get_json(&fx.a, "/api/share/log", fx.a.admin, 200);
	cJSON *lb = get_json(&fx.b, "/api/share/log", fx.b.admin, 200);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(la, "items")), 3);
	cJSON *it;
	cJSON_ArrayForEach(it, cJSON_GetObjectItem(la, "items"))
	{
		assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(it, "direction")), "sent");
		assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(it, "status")), "ok");
		const char *dg = cJSON_GetStringValue(cJSON_GetObjectItem(it, "digest"));
		int found = 0;
		cJSON *jt;
		cJSON_ArrayForEach(jt, cJSON_GetObjectItem(lb, "items"))
		found += !strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(jt, "digest")), dg) &&
			 !strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(jt, "status")), "ok");
		assert_int_equal(found, 1);
	}
	cJSON_Delete(la);
	cJSON_Delete(lb);

	/* A second run does not send the same contact again. */
	assert_int_equal(tu_run_ok(cmd, NULL, &out), 0);
	assert_null(strstr(out, "contacts"));
	free(out);
	assert_int_equal(count_log(&fx.a, "sent", "ok", NULL), 5);
}

/* Post a hand-made message to B signed with sk (claiming key_hex). */
static long post_signed(const char *key_hex, const unsigned char *sk, const char *kind,
			const char *to, const char *payload, char *answer, size_t size)
{
	unsigned char rnd[16];
	char id[33];
	randombytes_buf(rnd, sizeof rnd);
	sodium_bin2hex(id, sizeof id, rnd, sizeof rnd);
	char body[4096];
	snprintf(body, sizeof body,
		 "{\"v\":1,\"id\":\"%s\",\"from\":\"beibei\",\"to\":\"%s\",\"sent_at\":%lld,"
		 "\"kind\":\"%s\",\"date\":\"2026-11-27\",\"payload\":%s}",
		 id, to, (long long)time(NULL), kind, payload);
	unsigned char sig[crypto_sign_BYTES];
	crypto_sign_detached(sig, NULL, (const unsigned char *)body, strlen(body), sk);
	char sig_hex[129], h_key[96], h_sig[160], url[128];
	sodium_bin2hex(sig_hex, sizeof sig_hex, sig, sizeof sig);
	snprintf(h_key, sizeof h_key, "X-Jinyun-Key: %s", key_hex);
	snprintf(h_sig, sizeof h_sig, "X-Jinyun-Signature: %s", sig_hex);
	snprintf(url, sizeof url, "%s%s", fx.b.url, SHARE_INBOX_PATH);
	https_req q = { "POST", url, fx.cert, { h_key, h_sig, NULL }, body, strlen(body), 10, 0 };
	https_resp r;
	jy_err err;
	assert_int_equal(https_request(&q, &r, &err), 0);
	snprintf(answer, size, "%s", r.body);
	long st = r.status;
	https_resp_free(&r);
	return st;
}

/* A's real secret key, read from its database (as the sender would). */
static void a_secret(unsigned char sk[crypto_sign_SECRETKEYBYTES])
{
	store *s = NULL;
	jy_err err;
	assert_int_equal(store_open(fx.a.db, &s, &err), 0);
	share_key_rec k;
	assert_int_equal(store_share_key_get(s, &k, &err), 0);
	store_close(s);
	assert_int_equal(sodium_hex2bin(sk, crypto_sign_SECRETKEYBYTES, k.secret_key,
					strlen(k.secret_key), NULL, NULL, NULL), 0);
}

static const char ok_aggregates[] = "{\"session\":\"morning\",\"schools\":[]}";

static void test_share_refuses_a_forged_signature_and_logs_it(void **state)
{
	(void)state;
	unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
	crypto_sign_keypair(pk, sk);
	int before = count_log(&fx.b, "received", "refused", "bad_signature");
	char answer[1024];
	/* Claims to be beibei, signed with another key. */
	long st = post_signed(fx.a.key, sk, "aggregates", "mianyang", ok_aggregates, answer,
			      sizeof answer);
	assert_int_equal(st, 401);
	assert_non_null(strstr(answer, "bad_signature"));
	assert_int_equal(count_log(&fx.b, "received", "refused", "bad_signature"), before + 1);
	/* …and a notable event in the server's log, without the payload. */
	char *log = tu_read_file(fx.b.log, NULL);
	assert_non_null(log);
	const char *ev = strstr(log, "\"event\":\"share_refused\",\"partner\":\"beibei\"");
	assert_non_null(ev);
	assert_non_null(strstr(ev, "\"code\":\"bad_signature\""));
	assert_non_null(strstr(log, "\"event\":\"share_received\""));
	assert_null(strstr(log, "李二"));
	char raw[64];
	snprintf(raw, sizeof raw, "/api/people/%lld/", (long long)fx.contact_person);
	assert_null(strstr(log, raw));
	free(log);
	/* The real key, the same kind of message: accepted (the test can pass). */
	a_secret(sk);
	st = post_signed(fx.a.key, sk, "aggregates", "mianyang", ok_aggregates, answer, sizeof answer);
	assert_int_equal(st, 200);
}

static void test_share_refuses_an_unknown_partner_and_logs_it(void **state)
{
	(void)state;
	unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
	char pk_hex[65], answer[1024];
	crypto_sign_keypair(pk, sk);
	sodium_bin2hex(pk_hex, sizeof pk_hex, pk, sizeof pk);
	int before = count_log(&fx.b, "received", "refused", "unknown_partner");
	long st = post_signed(pk_hex, sk, "aggregates", "mianyang", ok_aggregates, answer, sizeof answer);
	assert_int_equal(st, 403);
	assert_non_null(strstr(answer, "unknown_partner"));
	assert_int_equal(count_log(&fx.b, "received", "refused", "unknown_partner"), before + 1);
}

static void test_share_refuses_fields_beyond_the_agreement(void **state)
{
	(void)state;
	unsigned char sk[crypto_sign_SECRETKEYBYTES];
	a_secret(sk);
	char answer[1024];
	int before = count_log(&fx.b, "received", "refused", "beyond_agreement");
	/* A contact with the class and a symptom besides identity and exposure. */
	long st = post_signed(fx.a.key, sk, "contacts", "mianyang",
			      "{\"contacts\":[{\"ref\":\"x-1\",\"identity\":{\"name\":\"李二\","
			      "\"class\":\"一班\"},\"exposure\":{\"disease\":\"influenza\"}}]}",
			      answer, sizeof answer);
	assert_int_equal(st, 422);
	assert_non_null(strstr(answer, "contacts[0].identity.class"));
	/* A person inside aggregates. */
	st = post_signed(fx.a.key, sk, "aggregates", "mianyang",
			 "{\"schools\":[{\"code\":\"X\",\"students\":[{\"name\":\"李二\"}]}]}", answer,
			 sizeof answer);
	assert_int_equal(st, 422);
	assert_non_null(strstr(answer, "schools[0].students"));
	assert_int_equal(count_log(&fx.b, "received", "refused", "beyond_agreement"), before + 2);
	cJSON *j = get_json(&fx.b, "/api/share/inbox?kind=contacts", fx.b.admin, 200);
	char *text = cJSON_PrintUnformatted(j);
	assert_null(strstr(text, "一班"));
	free(text);
	cJSON_Delete(j);

	/* A kind the agreement does not allow, and a message for someone else. */
	assert_int_equal(add_partner(&fx.b, "beibei", &fx.a, "aggregates"), 0);
	st = post_signed(fx.a.key, sk, "alerts", "mianyang", "{\"alerts\":[]}", answer, sizeof answer);
	assert_int_equal(st, 403);
	assert_non_null(strstr(answer, "not_allowed"));
	st = post_signed(fx.a.key, sk, "aggregates", "chongqing", ok_aggregates, answer, sizeof answer);
	assert_int_equal(st, 403);
	assert_non_null(strstr(answer, "wrong_recipient"));
	assert_int_equal(add_partner(&fx.b, "beibei", &fx.a, "aggregates,alerts,contacts"), 0);
	st = post_signed(fx.a.key, sk, "alerts", "mianyang", "{\"alerts\":[]}", answer, sizeof answer);
	assert_int_equal(st, 200);
}

static void test_share_log_and_inbox_are_for_admin_and_district(void **state)
{
	(void)state;
	cJSON *j = get_json(&fx.b, "/api/share/log", fx.b_teacher, 403);
	cJSON_Delete(j);
	j = get_json(&fx.b, "/api/share/inbox", fx.b_teacher, 403);
	cJSON_Delete(j);
	j = get_json(&fx.b, "/api/share/log", fx.b_district, 200);
	assert_true(cJSON_GetArraySize(cJSON_GetObjectItem(j, "items")) > 0);
	cJSON_Delete(j);
	j = get_json(&fx.b, "/api/share/partners", fx.b_district, 200);
	assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(j, "name")), "mianyang");
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(j, "partners")), 1);
	cJSON_Delete(j);
	/* Reading received contacts is audited. */
	j = get_json(&fx.b, "/api/share/inbox?kind=contacts", fx.b_district, 200);
	cJSON_Delete(j);
	j = get_json(&fx.b, "/api/audit", fx.b.admin, 200);
	char *text = cJSON_PrintUnformatted(j);
	assert_non_null(strstr(text, "\"share_inbox\""));
	free(text);
	cJSON_Delete(j);
	/* A teacher may not set where a person lives. */
	char path[96];
	snprintf(path, sizeof path, "/api/people/%lld/jurisdiction", (long long)fx.contact_person);
	https_resp r;
	assert_int_equal(call(&fx.b, "PUT", path, fx.b_teacher, "{\"home_jurisdiction\":\"x\"}", &r), 0);
	assert_int_equal(r.status, 403);
	https_resp_free(&r);
}

static void test_share_partner_must_be_https_with_a_valid_key(void **state)
{
	(void)state;
	char cmd[2048], *out = NULL, *err = NULL;
	snprintf(cmd, sizeof cmd,
		 "%s share partner add --db %s --name x --url http://127.0.0.1:1 --key %s --allow alerts",
		 tu_jinyun_bin(), fx.b.db, fx.a.key);
	assert_int_equal(tu_run(cmd, NULL, &out, &err), 1);
	assert_non_null(strstr(err, "https://"));
	free(out);
	free(err);
	snprintf(cmd, sizeof cmd,
		 "%s share partner add --db %s --name x --url https://127.0.0.1:1 --key abc --allow alerts",
		 tu_jinyun_bin(), fx.b.db);
	assert_int_equal(tu_run(cmd, NULL, &out, &err), 1);
	assert_non_null(strstr(err, "64"));
	free(out);
	free(err);
	snprintf(cmd, sizeof cmd,
		 "%s share partner add --db %s --name x --url https://127.0.0.1:1 --key %s --allow names",
		 tu_jinyun_bin(), fx.b.db, fx.a.key);
	assert_int_equal(tu_run(cmd, NULL, &out, &err), 1);
	assert_non_null(strstr(err, "names"));
	free(out);
	free(err);
	/* A partner whose certificate is not the pinned one is not sent to. */
	store *s = NULL;
	jy_err e;
	assert_int_equal(store_open(fx.a.db, &s, &e), 0);
	share_partner_rec p;
	assert_int_equal(store_share_partner_find(s, "mianyang", &p, &e), 0);
	store_close(s);
	snprintf(cmd, sizeof cmd,
		 "%s share partner add --db %s --name mianyang --url %s --key %s --allow aggregates",
		 tu_jinyun_bin(), fx.a.db, p.url, p.public_key);
	assert_int_equal(tu_run_ok(cmd, NULL, NULL), 0);
	snprintf(cmd, sizeof cmd, "%s share send --db %s --date 2026-11-27", tu_jinyun_bin(), fx.a.db);
	assert_int_equal(tu_run(cmd, NULL, &out, &err), 1);
	assert_non_null(strstr(out, "FAILED"));
	free(out);
	free(err);
	assert_true(count_log(&fx.a, "sent", "failed", NULL) >= 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_share_sends_agreed_kinds_with_only_identity_and_exposure),
		cmocka_unit_test(test_share_refuses_a_forged_signature_and_logs_it),
		cmocka_unit_test(test_share_refuses_an_unknown_partner_and_logs_it),
		cmocka_unit_test(test_share_refuses_fields_beyond_the_agreement),
		cmocka_unit_test(test_share_log_and_inbox_are_for_admin_and_district),
		cmocka_unit_test(test_share_partner_must_be_https_with_a_valid_key),
	};
	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, setup, teardown);
}
