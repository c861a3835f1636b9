/*
 * return_care.h — 对不能按时返校的学生落实个性化教学辅导，加强对抗疫一线
 * 人员子女等重点学生群体的关心关爱: students who cannot return on time
 * (reason, expected date), the personalised tutoring plan of each (tutor,
 * sessions, progress), and the staff member caring for each key-group
 * student.
 */
#ifndef JY_RETURN_CARE_H
#define JY_RETURN_CARE_H

#include "store/returns.h"

/* Is reason one of illness quarantine travel family other?  And its name. */
int return_care_reason_valid(const char *reason);
const char *return_care_reason_zh(const char *reason);

/*
 * Record that a person cannot return on time.  A person has at most one
 * open record: recording again updates it.  expected_date may be "" or
 * NULL (unknown).  *id receives the record's id.
 */
int return_care_absence_put(store *s, int64_t school_id, int64_t person_id, const char *reason,
			    const char *detail, const char *expected_date, int64_t user_id,
			    int64_t *id, jy_err *err);

/* Mark the person back on returned_date (closes the record). */
int return_care_returned(store *s, int64_t id, const char *returned_date, jy_err *err);

/*
 * Set the tutoring plan of a record: the tutor (a staff number, or a
 * name when tutor_no is NULL), the plan and how many sessions.  *id the
 * plan's id.
 */
int return_care_plan_put(store *s, int64_t absence_id, const char *tutor_no, const char *tutor_name,
			 const char *plan, int sessions_planned, int64_t user_id, int64_t *id,
			 jy_err *err);

/* Add a session to a plan (date, minutes, topic, progress). */
int return_care_session_add(store *s, int64_t plan_id, const char *date, int minutes,
			    const char *topic, const char *progress, int64_t user_id, int64_t *id,
			    jy_err *err);

/* Name the staff member (by number) caring for a key-group student. */
int return_care_carer_put(store *s, int64_t school_id, int64_t person_id, const char *group,
			  const char *carer_no, const char *note, int64_t user_id, jy_err *err);

#endif
