/*
 * gate.h — gate admission (校门准入): infrared thermometer terminals and
 * gate staff post readings (person, temperature, time); the answer comes
 * at once and every reading is stored before it is given.
 *
 * The decision, in order:
 *   - nobody with that number or card, or no longer enrolled → refuse;
 *   - already in the temporary observation room (an open stay) → refuse;
 *   - not in a batch that has returned by the reading's day (while a
 *     return plan exists) → refuse;
 *   - screening status hold → refuse;
 *   - temperature >= 37.3 °C: the first reading → recheck (rest 5 minutes
 *     and measure again); a reading within 5 minutes of that → recheck
 *     again; a second one >= 37.3 °C between 5 and 30 minutes after a
 *     recheck → refuse (fever confirmed, also a health event for the
 *     cluster rules);
 *   - otherwise admit (with the health-management note when monitored).
 * A refused person is sent to the temporary observation room (a stay is
 * recorded, in the school's observation room when one is registered) and
 * an alert opens (one per person and day; a second refusal updates it).
 * Readings, stays and alerts are written in one transaction, committed
 * before the answer.  The readings table is append-only and keeps the
 * device and its address: it is the record of every admission; a refusal
 * is written to the audit log as well.
 */
#ifndef JY_GATE_H
#define JY_GATE_H

#include "domain/auth.h"
#include "store/returns.h"

#define GATE_FEVER_C 37.3
#define GATE_REST_S (5 * 60)       /* rest before measuring again */
#define GATE_RECHECK_S (30 * 60)   /* a second reading within this confirms */

/* Register a device; token receives its secret (hex), shown once; only its
 * SHA-256 is kept.  gate: the gate's name (linked to a place of kind gate
 * with that name when there is one). */
int gate_device_add(store *s, int64_t school_id, const char *name, const char *gate,
		    char token[AUTH_TOKEN_HEX], int64_t *id, jy_err *err);

/* The enabled device of a bearer token (JY_EAUTH when none). */
int gate_device_auth(store *s, const char *token, gate_device_rec *out, jy_err *err);

/* Parse an ISO 8601 time: YYYY-MM-DDTHH:MM[:SS[.fff]] with Z or ±HH[:MM]
 * (no zone: China Standard Time); a space may replace the T.  0 or -1. */
int gate_parse_time(const char *s, int64_t *out);

typedef struct gate_answer {
	char decision[8];          /* admit recheck refuse */
	char reason[384];          /* Chinese, then English in parentheses */
	int64_t reading_id;
	int64_t person_id;         /* 0 = unknown */
	int64_t observation_id;    /* refused: the observation stay */
	int64_t alert_id;          /* refused: the alert */
} gate_answer;

/*
 * Decide on one reading from a device and store it.  ip: the terminal's
 * address (for the audit log).  JY_EINVAL (err->column temperature or
 * person) for readings that cannot be true.
 */
int gate_reading(store *s, const gate_device_rec *dev, const char *person_ref, double temperature,
		 int64_t at, const char *ip, gate_answer *out, jy_err *err);

/*
 * The whole of a terminal's request in a transaction of its own: check the
 * device token (JY_EAUTH), then decide and store as gate_reading().
 */
int gate_post(store *s, const char *token, const char *person_ref, double temperature, int64_t at,
	      const char *ip, gate_answer *out, jy_err *err);

/*
 * One terminal's request for a batch of the group-commit writer
 * (store/writer.h): the caller fills the inputs; gate_request_run() runs it
 * inside the batch's transaction, so the decision sees every reading of
 * earlier requests of the same batch (a recheck, then its confirmation).
 */
typedef struct gate_request {
	char token[AUTH_TOKEN_HEX];
	char person[48];
	double temperature;
	int64_t at;
	char ip[64];
	/* outcome: rc 0 and answer; or JY_EAUTH / JY_EINVAL and err (nothing
	 * written for it) */
	int rc;
	jy_err err;
	gate_answer answer;
} gate_request;

/* Run r inside the caller's transaction.  0 when r has its outcome (even
 * a refusal of the request itself); negative when the transaction must be
 * rolled back (err filled; r's outcome is then that error). */
int gate_request_run(store *s, gate_request *r, jy_err *err);

/* End a stay in the observation room (outcome released, sent_home or hospital). */
int gate_observation_end(store *s, int64_t id, const char *outcome, const char *note,
			 int64_t user_id, jy_err *err);

#endif
