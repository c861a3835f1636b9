/*
 * date.h — calendar dates as day numbers (days since 1970-01-01), parsed
 * and printed as YYYY-MM-DD, with the proleptic Gregorian calendar.  Pure
 * arithmetic: no time zones, no locale.
 */
#ifndef JY_DATE_H
#define JY_DATE_H

#include <stdint.h>

/* Parse exactly YYYY-MM-DD (a real date, years 1900–2199); 0 and *day on
 * success, -1 otherwise. */
int date_parse(const char *s, int32_t *day);
/* Write YYYY-MM-DD (11 bytes with the NUL). */
void date_format(int32_t day, char out[11]);
/* 1 = Monday … 7 = Sunday. */
int date_weekday(int32_t day);
/* Today in UTC+8 (China Standard Time), the schools' calendar day. */
int32_t date_today_cst(void);
/* Day number of a Unix time in UTC+8. */
int32_t date_of_time_cst(int64_t t);

#endif
