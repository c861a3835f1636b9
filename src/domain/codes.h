/*
 * codes.h — the fixed code lists of the surveillance (WS/T 772-2020): the
 * symptoms a check records, the diagnoses of an illness absence, the check
 * sessions and statuses, each with its Chinese and English name.
 */
#ifndef JY_CODES_H
#define JY_CODES_H

#include <stddef.h>

#define FEVER_C 37.3     /* 发热: at or above */
#define ILI_FEVER_C 38.0 /* influenza-like illness: at or above, with cough or sore throat */

typedef struct code_name {
	const char *code, *zh, *en;
	int notifiable;  /* diagnoses: return needs a doctor's note (复课证明) */
} code_name;

extern const code_name codes_symptoms[];
extern const size_t codes_symptoms_count;
extern const code_name codes_diagnoses[];
extern const size_t codes_diagnoses_count;

const code_name *codes_symptom(const char *code);
const code_name *codes_diagnosis(const char *code);
int codes_session_valid(const char *s);
int codes_status_valid(const char *s);
const char *codes_session_zh(const char *s);
const char *codes_status_zh(const char *s);

/*
 * Parse symptoms given as codes or Chinese names separated by ';' ',' '、'
 * or spaces into a sorted comma list of codes.  Returns 0, or -1 with the
 * first unknown token in bad.
 */
int codes_parse_symptoms(const char *in, char *out, size_t size, char *bad, size_t badsize);

/* Does the comma list have this code? */
int codes_list_has(const char *list, const char *code);

/* The derived syndromes of a record (comma list): "ili" when the
 * temperature is >= 38 °C with cough or sore throat. */
void codes_syndromes(double temperature, const char *symptoms, char *out, size_t size);

#endif
