/*
 * screen.h — screening before the return to school (返校筛查): rules,
 * evaluated over one person's declarations for a return date, give one
 * status and every reason, in Chinese and in English.
 *
 * A pure library: no database, no I/O, no global state.  The domain
 * (src/domain/screening.c) loads the rules, the risk regions of one
 * published version and each person's declarations, hands them over, and
 * keeps the results.  A compiled screen_set is read-only once built, so
 * several threads may screen with one set.
 *
 * Regions are administrative names joined by '/' (湖北省/武汉市/武昌区);
 * 境外 is outside mainland China (境外/日本).  A region covers itself and
 * everything below it: the match is a prefix match on whole segments, so
 * 湖北省/武汉市 covers 湖北省/武汉市/武昌区 but not 湖北省/武汉市郊.
 *
 * The window of a rule is the window_days days up to and including the
 * return day: with 14 days and a return on 05-12, 04-29 … 05-12.  A fact
 * counts when any of its days falls in the window (a stay in a risk
 * region: any day that is also inside the region's validity).  Every rule
 * that matches adds a reason; the status is the most severe reason's
 * (hold > monitor > cleared).  A reason whose Chinese text is among the
 * lifted ones (a hold lifted by a recorded action) is kept, marked, and
 * does not count.
 */
#ifndef JY_SCREEN_H
#define JY_SCREEN_H

#include <stddef.h>
#include <stdint.h>

enum screen_status { SCREEN_CLEARED = 0, SCREEN_MONITOR = 1, SCREEN_HOLD = 2 };
enum screen_level { SCREEN_LOW = 1, SCREEN_MEDIUM = 2, SCREEN_HIGH = 3 };
enum screen_item_kind { SCREEN_STAY = 1, SCREEN_HEALTH = 2, SCREEN_CONTACT = 3 };
enum screen_rule_kind {
	SCREEN_RULE_NO_DECLARATION = 1,
	SCREEN_RULE_FEVER,
	SCREEN_RULE_SYMPTOM,
	SCREEN_RULE_CONTACT,
	SCREEN_RULE_STAY_RISK,
	SCREEN_RULE_STAY_REGION,
};

#define SCREEN_REASON_ZH 384
#define SCREEN_REASON_EN 448

typedef struct screen_rule {
	int64_t id;
	int kind;               /* SCREEN_RULE_* */
	int level;              /* STAY_RISK: the risk level it is about */
	const char *region;     /* STAY_REGION: the region, e.g. "境外" */
	int window_days;        /* >= 1 */
	double threshold;       /* FEVER: °C at or above */
	int status;             /* SCREEN_MONITOR or SCREEN_HOLD */
	const char *reason_zh;  /* templates: {region} {from} {to} {days} {date} {temperature} */
	const char *reason_en;  /*            {symptoms} {risk_region} {level} */
} screen_rule;

typedef struct screen_risk {
	const char *region;     /* normalised (screen_region_normalize) */
	int level;              /* SCREEN_LOW … SCREEN_HIGH */
	int32_t from, to;       /* valid days (util/date.h numbers); to INT32_MAX = open */
} screen_risk;

typedef struct screen_item {
	int kind;               /* SCREEN_STAY, SCREEN_HEALTH, SCREEN_CONTACT */
	int32_t from, to;       /* days; a health report or contact has to == from */
	const char *region;     /* stays: normalised region; may be "" otherwise */
	double temperature;     /* health: °C, < 0 = not given */
	const char *symptoms_zh;   /* health: "" = none */
	const char *symptoms_en;
} screen_item;

typedef struct screen_reason {
	int rule;               /* index into the set's rules */
	int item;               /* index into the items, -1 when none (no declaration) */
	int status;             /* the rule's status */
	int lifted;             /* 1 = lifted by a recorded action, not counted */
	char zh[SCREEN_REASON_ZH];
	char en[SCREEN_REASON_EN];
} screen_reason;

typedef struct screen_result {
	int status;             /* SCREEN_CLEARED … SCREEN_HOLD */
	screen_reason *reasons; /* caller's array of cap entries */
	size_t cap;
	size_t n;               /* reasons written (<= cap) */
	size_t total;           /* reasons found (may exceed cap; status counts them all) */
} screen_result;

typedef struct screen_set screen_set;

/*
 * Compile rules and risk regions into a set (copies everything it is given;
 * the caller may free its arrays afterwards).  Returns 0, or -1 when out of
 * memory or a rule is invalid (unknown kind, window < 1, status not
 * MONITOR/HOLD).  Free with screen_set_free (NULL is accepted).
 */
int screen_set_new(const screen_rule *rules, size_t nrules, const screen_risk *risks,
		   size_t nrisks, screen_set **out);
void screen_set_free(screen_set *set);
size_t screen_set_rules(const screen_set *set);
const screen_rule *screen_set_rule(const screen_set *set, size_t i);

/*
 * Screen one person for return_day.  items: their declarations (any order).
 * lifted: the Chinese texts of hold reasons already lifted (may be NULL).
 * Fills out (its reasons array and cap are the caller's).  Always 0.
 */
int screen_person(const screen_set *set, int32_t return_day, const screen_item *items, size_t n,
		  const char *const *lifted, size_t nlifted, screen_result *out);

/*
 * Normalise a region as typed: trims white space around segments, accepts
 * the full-width slash '／' and '\' as separators, drops a trailing '/'.
 * Returns 0, or -1 when a segment is empty or out is too small.
 */
int screen_region_normalize(const char *in, char *out, size_t size);
/* 1 when region is prefix or lies below it (whole segments), else 0. */
int screen_region_under(const char *region, const char *prefix);

/* "cleared" "monitor" "hold"; and back (-1 when unknown). */
const char *screen_status_name(int status);
int screen_status_parse(const char *s);
/* "low" "medium" "high"; parse also takes 低/中/高 and 低风险/中风险/高风险 (-1 when unknown). */
const char *screen_level_name(int level);
int screen_level_parse(const char *s);

/*
 * Self-reports that look machine-made: the longest run of consecutive days
 * whose answers are identical and whose submission times of day lie within
 * tolerance_s seconds of the run's first.  reports: one per day, sorted by
 * day.  *first_day receives the run's first day.  Returns its length.
 */
typedef struct screen_selfreport {
	int32_t day;
	int32_t time_of_day;    /* seconds after local midnight */
	const char *answers;    /* everything answered, as one comparable string */
} screen_selfreport;

size_t screen_autofill_run(const screen_selfreport *reports, size_t n, int tolerance_s,
			   int32_t *first_day);

#endif
