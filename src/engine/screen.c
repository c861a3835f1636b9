/*
 * screen.c — see screen.h.
 *
 * A set keeps its own copy of the rules and of the risk regions, the
 * latter sorted by region and indexed by an open-addressing hash of the
 * region text.  Matching a stay walks the stay's region once, hashing it
 * incrementally (FNV-1a) and looking up each whole-segment prefix, so the
 * cost of a stay is its number of segments, whatever the size of the risk
 * list.  Texts are built only for reasons, which most people do not have:
 * 300,000 people with 14 days of declarations each take well under a
 * second (bench/bench_screen.c).
 */
#include "engine/screen.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/date.h"

typedef struct risk_slot {
	uint64_t hash;
	size_t len;         /* length of the region text; 0 = empty slot */
	size_t first, count; /* the region's entries in set->risks */
} risk_slot;

struct screen_set {
	screen_rule *rules;
	size_t nrules;
	screen_risk *risks; /* sorted by region */
	size_t nrisks;
	risk_slot *slots;
	size_t nslots;      /* power of two */
	char *text;         /* every string, copied */
};

#define FNV_OFFSET 1469598103934665603ULL
#define FNV_PRIME 1099511628211ULL

static uint64_t fnv_step(uint64_t h, unsigned char c)
{
	return (h ^ c) * FNV_PRIME;
}

static uint64_t fnv(const char *s, size_t n)
{
	uint64_t h = FNV_OFFSET;
	for (size_t i = 0; i < n; i++)
		h = fnv_step(h, (unsigned char)s[i]);
	return h;
}

static int cmp_risk(const void *a, const void *b)
{
	const screen_risk *x = a, *y = b;
	int c = strcmp(x->region, y->region);
	if (c)
		return c;
	return (x->from > y->from) - (x->from < y->from);
}

/* Copy s into the set's text block at *pos; returns the copy. */
static const char *keep(char *text, size_t *pos, const char *s)
{
	if (!s)
		s = "";
	size_t n = strlen(s) + 1;
	memcpy(text + *pos, s, n);
	const char *r = text + *pos;
	*pos += n;
	return r;
}

int screen_set_new(const screen_rule *rules, size_t nrules, const screen_risk *risks,
		   size_t nrisks, screen_set **out)
{
	*out = NULL;
	size_t bytes = 0;
	for (size_t i = 0; i < nrules; i++) {
		const screen_rule *r = &rules[i];
		if (r->kind < SCREEN_RULE_NO_DECLARATION || r->kind > SCREEN_RULE_STAY_REGION ||
		    r->window_days < 1 || (r->status != SCREEN_MONITOR && r->status != SCREEN_HOLD))
			return -1;
		bytes += strlen(r->region ? r->region : "") + strlen(r->reason_zh ? r->reason_zh : "") +
			 strlen(r->reason_en ? r->reason_en : "") + 3;
	}
	for (size_t i = 0; i < nrisks; i++)
		bytes += strlen(risks[i].region) + 1;
	screen_set *set = calloc(1, sizeof *set);
	if (!set)
		return -1;
	set->rules = calloc(nrules ? nrules : 1, sizeof *set->rules);
	set->risks = calloc(nrisks ? nrisks : 1, sizeof *set->risks);
	set->text = malloc(bytes ? bytes : 1);
	set->nslots = 16;
	while (set->nslots < nrisks * 2)
		set->nslots *= 2;
	set->slots = calloc(set->nslots, sizeof *set->slots);
	if (!set->rules || !set->risks || !set->text || !set->slots) {
		screen_set_free(set);
		return -1;
	}
	size_t pos = 0;
	for (size_t i = 0; i < nrules; i++) {
		set->rules[i] = rules[i];
		set->rules[i].region = keep(set->text, &pos, rules[i].region);
		set->rules[i].reason_zh = keep(set->text, &pos, rules[i].reason_zh);
		set->rules[i].reason_en = keep(set->text, &pos, rules[i].reason_en);
	}
	set->nrules = nrules;
	for (size_t i = 0; i < nrisks; i++) {
		set->risks[i] = risks[i];
		set->risks[i].region = keep(set->text, &pos, risks[i].region);
	}
	set->nrisks = nrisks;
	assert(pos <= bytes);
	if (nrisks)
		qsort(set->risks, nrisks, sizeof *set->risks, cmp_risk);
	for (size_t i = 0; i < nrisks;) {
		size_t j = i;
		while (j < nrisks && !strcmp(set->risks[j].region, set->risks[i].region))
			j++;
		size_t len = strlen(set->risks[i].region);
		if (len) {
			uint64_t h = fnv(set->risks[i].region, len);
			size_t k = (size_t)h & (set->nslots - 1);
			while (set->slots[k].len)
				k = (k + 1) & (set->nslots - 1);
			set->slots[k] = (risk_slot){ h, len, i, j - i };
		}
		i = j;
	}
	*out = set;
	return 0;
}

void screen_set_free(screen_set *set)
{
	if (!set)
		return;
	free(set->rules);
	free(set->risks);
	free(set->slots);
	free(set->text);
	free(set);
}

size_t screen_set_rules(const screen_set *set)
{
	return set->nrules;
}

const screen_rule *screen_set_rule(const screen_set *set, size_t i)
{
	return i < set->nrules ? &set->rules[i] : NULL;
}

/* The slot of the region s[0..len), or NULL. */
static const risk_slot *risk_find(const screen_set *set, const char *s, size_t len, uint64_t h)
{
	if (!set->nrisks)
		return NULL;
	for (size_t k = (size_t)h & (set->nslots - 1); set->slots[k].len;
	     k = (k + 1) & (set->nslots - 1)) {
		const risk_slot *sl = &set->slots[k];
		if (sl->hash == h && sl->len == len && !memcmp(set->risks[sl->first].region, s, len))
			return sl;
	}
	return NULL;
}

/* ---- texts ---- */

typedef struct fill {
	const char *region, *risk_region;
	int32_t from, to, date;
	int days, level;
	double temperature;
	const char *symptoms, *symptoms_en;
	int en;
} fill;

static const char *level_zh(int level)
{
	return level == SCREEN_HIGH ? "高风险" : level == SCREEN_MEDIUM ? "中风险" :
	       level == SCREEN_LOW ? "低风险" : "";
}

/* Expand a reason template into out (always NUL-terminated). */
static void expand(const char *tpl, const fill *f, char *out, size_t size)
{
	size_t n = 0;
	out[0] = 0;
	for (const char *p = tpl; *p && n + 1 < size;) {
		char val[160];
		const char *v = NULL;
		const char *close = *p == '{' ? strchr(p, '}') : NULL;
		if (close) {
			size_t k = (size_t)(close - p - 1);
			const char *name = p + 1;
#define IS(lit) (k == sizeof lit - 1 && !memcmp(name, lit, k))
			if (IS("region"))
				v = f->region ? f->region : "";
			else if (IS("risk_region"))
				v = f->risk_region ? f->risk_region : "";
			else if (IS("from"))
				date_format(f->from, val), v = val;
			else if (IS("to"))
				date_format(f->to, val), v = val;
			else if (IS("date"))
				date_format(f->date, val), v = val;
			else if (IS("days"))
				snprintf(val, sizeof val, "%d", f->days), v = val;
			else if (IS("temperature"))
				snprintf(val, sizeof val, "%.1f", f->temperature), v = val;
			else if (IS("symptoms"))
				v = (f->en ? f->symptoms_en : f->symptoms) ?: "";
			else if (IS("level"))
				v = f->en ? screen_level_name(f->level) : level_zh(f->level);
#undef IS
		}
		if (v) {
			int w = snprintf(out + n, size - n, "%s", v);
			n += w < 0 ? 0 : (size_t)w;
			if (n >= size)
				n = size - 1;
			p = close + 1;
		} else {
			out[n++] = *p++;
			out[n] = 0;
		}
	}
	out[n < size ? n : size - 1] = 0;
	/* Never cut a UTF-8 sequence in half. */
	size_t len = strlen(out);
	if (len + 1 >= size) {
		size_t i = len;
		while (i > 0 && ((unsigned char)out[i - 1] & 0xC0) == 0x80)
			i--;
		if (i > 0 && ((unsigned char)out[i - 1] & 0x80))
			out[i - 1] = 0;
	}
}

static void add_reason(const screen_set *set, size_t rule, int item, fill *f,
		       const char *const *lifted, size_t nlifted, screen_result *out)
{
	const screen_rule *r = &set->rules[rule];
	char zh[SCREEN_REASON_ZH];
	f->days = r->window_days;
	f->en = 0;
	expand(r->reason_zh, f, zh, sizeof zh);
	int is_lifted = 0;
	for (size_t i = 0; i < nlifted && !is_lifted; i++)
		is_lifted = !strcmp(lifted[i], zh);
	if (!is_lifted && r->status > out->status)
		out->status = r->status;
	out->total++;
	if (out->n >= out->cap)
		return;
	screen_reason *x = &out->reasons[out->n++];
	x->rule = (int)rule;
	x->item = item;
	x->status = r->status;
	x->lifted = is_lifted;
	memcpy(x->zh, zh, sizeof zh);
	f->en = 1;
	expand(r->reason_en, f, x->en, sizeof x->en);
}

int screen_person(const screen_set *set, int32_t return_day, const screen_item *items, size_t n,
		  const char *const *lifted, size_t nlifted, screen_result *out)
{
	out->status = SCREEN_CLEARED;
	out->n = out->total = 0;
	for (size_t ri = 0; ri < set->nrules; ri++) {
		const screen_rule *r = &set->rules[ri];
		int32_t lo = return_day - r->window_days + 1, hi = return_day;
		if (r->kind == SCREEN_RULE_NO_DECLARATION) {
			size_t i;
			for (i = 0; i < n; i++)
				if (items[i].from <= hi && items[i].to >= lo)
					break;
			if (i == n) {
				fill f = { 0 };
				f.from = lo, f.to = hi, f.date = return_day;
				add_reason(set, ri, -1, &f, lifted, nlifted, out);
			}
			continue;
		}
		for (size_t i = 0; i < n; i++) {
			const screen_item *it = &items[i];
			if (it->from > hi || it->to < lo)
				continue;
			fill f = { 0 };
			f.region = it->region;
			f.from = it->from, f.to = it->to, f.date = it->from;
			f.temperature = it->temperature;
			f.symptoms = it->symptoms_zh;
			f.symptoms_en = it->symptoms_en;
			switch (r->kind) {
			case SCREEN_RULE_FEVER:
				if (it->kind == SCREEN_HEALTH && it->temperature >= r->threshold)
					add_reason(set, ri, (int)i, &f, lifted, nlifted, out);
				break;
			case SCREEN_RULE_SYMPTOM:
				if (it->kind == SCREEN_HEALTH && it->symptoms_zh && it->symptoms_zh[0])
					add_reason(set, ri, (int)i, &f, lifted, nlifted, out);
				break;
			case SCREEN_RULE_CONTACT:
				if (it->kind == SCREEN_CONTACT)
					add_reason(set, ri, (int)i, &f, lifted, nlifted, out);
				break;
			case SCREEN_RULE_STAY_REGION:
				if (it->kind == SCREEN_STAY && screen_region_under(it->region, r->region)) {
					f.risk_region = r->region;
					add_reason(set, ri, (int)i, &f, lifted, nlifted, out);
				}
				break;
			case SCREEN_RULE_STAY_RISK: {
				if (it->kind != SCREEN_STAY || !it->region || !set->nrisks)
					break;
				/* The most specific risk region of the rule's level that
				 * covers the stay and was one on a day of the stay in the window. */
				int32_t a = it->from > lo ? it->from : lo, b = it->to < hi ? it->to : hi;
				const screen_risk *best = NULL;
				uint64_t h = FNV_OFFSET;
				const char *s = it->region;
				for (size_t k = 0;; k++) {
					if (s[k] == '/' || s[k] == 0) {
						const risk_slot *sl = risk_find(set, s, k, h);
						for (size_t e = 0; sl && e < sl->count; e++) {
							const screen_risk *rk = &set->risks[sl->first + e];
							if (rk->level == r->level && rk->from <= b && rk->to >= a)
								best = rk;
						}
						if (!s[k])
							break;
					}
					h = fnv_step(h, (unsigned char)s[k]);
				}
				if (best) {
					f.risk_region = best->region;
					f.level = best->level;
					add_reason(set, ri, (int)i, &f, lifted, nlifted, out);
				}
				break;
			}
			default:
				break;
			}
		}
	}
	return 0;
}

/* ---- regions ---- */

int screen_region_under(const char *region, const char *prefix)
{
	size_t n = strlen(prefix);
	if (!n)
		return 0;
	return !strncmp(region, prefix, n) && (region[n] == 0 || region[n] == '/');
}

static int is_space(const char *p, size_t *len)
{
	if (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n') {
		*len = 1;
		return 1;
	}
	if (!strncmp(p, "\xe3\x80\x80", 3)) { /* ideographic space U+3000 */
		*len = 3;
		return 1;
	}
	return 0;
}

static int is_sep(const char *p, size_t *len)
{
	if (*p == '/' || *p == '\\') {
		*len = 1;
		return 1;
	}
	if (!strncmp(p, "\xef\xbc\x8f", 3)) { /* full-width solidus U+FF0F */
		*len = 3;
		return 1;
	}
	return 0;
}

int screen_region_normalize(const char *in, char *out, size_t size)
{
	size_t n = 0, len = 0;
	const char *p = in;
	if (!size)
		return -1;
	out[0] = 0;
	for (;;) {
		while (*p && is_space(p, &len))
			p += len;
		const char *seg = p;
		while (*p && !is_sep(p, &len))
			p++;
		/* trim the segment's trailing space */
		const char *end = p;
		while (end > seg) {
			if (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r' || end[-1] == '\n')
				end--;
			else if (end - seg >= 3 && !strncmp(end - 3, "\xe3\x80\x80", 3))
				end -= 3;
			else
				break;
		}
		size_t sl = (size_t)(end - seg);
		int last = !*p;
		if (!sl) {
			/* An empty segment is an error, except a single trailing '/'. */
			if (last && n > 0)
				break;
			return -1;
		}
		if (n + (n ? 1 : 0) + sl + 1 > size)
			return -1;
		if (n)
			out[n++] = '/';
		memcpy(out + n, seg, sl);
		n += sl;
		out[n] = 0;
		if (last)
			break;
		is_sep(p, &len);
		p += len;
		if (!*p)
			break;
	}
	return n ? 0 : -1;
}

/* ---- names ---- */

const char *screen_status_name(int status)
{
	return status == SCREEN_HOLD ? "hold" : status == SCREEN_MONITOR ? "monitor" : "cleared";
}

int screen_status_parse(const char *s)
{
	return !strcmp(s, "hold") ? SCREEN_HOLD : !strcmp(s, "monitor") ? SCREEN_MONITOR :
	       !strcmp(s, "cleared") ? SCREEN_CLEARED : -1;
}

const char *screen_level_name(int level)
{
	return level == SCREEN_HIGH ? "high" : level == SCREEN_MEDIUM ? "medium" :
	       level == SCREEN_LOW ? "low" : "";
}

int screen_level_parse(const char *s)
{
	static const struct {
		const char *name;
		int level;
	} names[] = {
		{ "high", SCREEN_HIGH }, { "高", SCREEN_HIGH }, { "高风险", SCREEN_HIGH },
		{ "medium", SCREEN_MEDIUM }, { "中", SCREEN_MEDIUM }, { "中风险", SCREEN_MEDIUM },
		{ "low", SCREEN_LOW }, { "低", SCREEN_LOW }, { "低风险", SCREEN_LOW },
	};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (!strcmp(s, names[i].name))
			return names[i].level;
	return -1;
}

/* ---- machine-made self-reports ---- */

static int32_t tod_distance(int32_t a, int32_t b)
{
	int32_t d = a > b ? a - b : b - a;
	return d > 43200 ? 86400 - d : d;
}

size_t screen_autofill_run(const screen_selfreport *r, size_t n, int tolerance_s,
			   int32_t *first_day)
{
	size_t best = 0;
	*first_day = 0;
	for (size_t i = 0; i < n;) {
		size_t j = i + 1;
		while (j < n && r[j].day == r[j - 1].day + 1 && !strcmp(r[j].answers, r[i].answers) &&
		       tod_distance(r[j].time_of_day, r[i].time_of_day) <= tolerance_s)
			j++;
		if (j - i > best) {
			best = j - i;
			*first_day = r[i].day;
		}
		i = j;
	}
	return best;
}
