/*
 * codes.c — see codes.h.
 */
#include "domain/codes.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const code_name codes_symptoms[] = {
	{ "abdominal_pain", "腹痛", "abdominal pain", 0 },
	{ "conjunctival_congestion", "结膜充血", "conjunctival congestion", 0 },
	{ "cough", "咳嗽", "cough", 0 },
	{ "diarrhea", "腹泻", "diarrhoea", 0 },
	{ "dizziness", "头晕", "dizziness", 0 },
	{ "fatigue", "乏力", "fatigue", 0 },
	{ "fever", "发热", "fever", 0 },
	{ "headache", "头痛", "headache", 0 },
	{ "parotid_swelling", "腮腺肿大", "parotid swelling", 0 },
	{ "rash", "皮疹", "rash", 0 },
	{ "sore_throat", "咽痛", "sore throat", 0 },
	{ "vomiting", "呕吐", "vomiting", 0 },
};
const size_t codes_symptoms_count = sizeof codes_symptoms / sizeof codes_symptoms[0];

const code_name codes_diagnoses[] = {
	{ "ahc", "急性出血性结膜炎", "acute haemorrhagic conjunctivitis", 1 },
	{ "bacillary_dysentery", "细菌性痢疾", "bacillary dysentery", 1 },
	{ "covid19", "新冠病毒感染", "COVID-19", 1 },
	{ "dengue", "登革热", "dengue", 1 },
	{ "hfmd", "手足口病", "hand, foot and mouth disease", 1 },
	{ "ili", "流感样病例", "influenza-like illness", 0 },
	{ "influenza", "流行性感冒", "influenza", 1 },
	{ "measles", "麻疹", "measles", 1 },
	{ "mumps", "流行性腮腺炎", "mumps", 1 },
	{ "norovirus", "诺如病毒感染", "norovirus", 1 },
	{ "other", "其他", "other", 0 },
	{ "rubella", "风疹", "rubella", 1 },
	{ "scarlet_fever", "猩红热", "scarlet fever", 1 },
	{ "tuberculosis", "肺结核", "tuberculosis", 1 },
	{ "varicella", "水痘", "varicella", 1 },
};
const size_t codes_diagnoses_count = sizeof codes_diagnoses / sizeof codes_diagnoses[0];

static const code_name *find(const code_name *list, size_t n, const char *code)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(list[i].code, code) || !strcmp(list[i].zh, code))
			return &list[i];
	return NULL;
}

const code_name *codes_symptom(const char *code)
{
	return find(codes_symptoms, codes_symptoms_count, code);
}

const code_name *codes_diagnosis(const char *code)
{
	return find(codes_diagnoses, codes_diagnoses_count, code);
}

int codes_session_valid(const char *s)
{
	return !strcmp(s, "morning") || !strcmp(s, "noon") || !strcmp(s, "evening");
}

int codes_status_valid(const char *s)
{
	return !strcmp(s, "present") || !strcmp(s, "absent_sick") || !strcmp(s, "absent_other") ||
	       !strcmp(s, "absent_unknown");
}

const char *codes_session_zh(const char *s)
{
	return !strcmp(s, "morning") ? "晨检" : !strcmp(s, "noon") ? "午检" :
	       !strcmp(s, "evening") ? "晚检" : s;
}

const char *codes_status_zh(const char *s)
{
	return !strcmp(s, "present") ? "在校" : !strcmp(s, "absent_sick") ? "因病缺勤" :
	       !strcmp(s, "absent_other") ? "事假等缺勤" :
	       !strcmp(s, "absent_unknown") ? "原因不明缺勤" : s;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int codes_parse_symptoms(const char *in, char *out, size_t size, char *bad, size_t badsize)
{
	const char *found[16];
	size_t n = 0;
	out[0] = 0;
	char buf[512];
	snprintf(buf, sizeof buf, "%s", in);
	/* '、' (U+3001) and full-width '；' (U+FF1B) and '，' (U+FF0C) become spaces. */
	for (char *p = buf; *p; p++) {
		if (*p == ';' || *p == ',' || *p == '\t')
			*p = ' ';
		else if (!strncmp(p, "\xe3\x80\x81", 3) || !strncmp(p, "\xef\xbc\x9b", 3) ||
			 !strncmp(p, "\xef\xbc\x8c", 3))
			memset(p, ' ', 3);
	}
	char *save = NULL;
	for (char *tok = strtok_r(buf, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		const code_name *c = codes_symptom(tok);
		if (!c) {
			snprintf(bad, badsize, "%s", tok);
			return -1;
		}
		int dup = 0;
		for (size_t i = 0; i < n; i++)
			dup |= found[i] == c->code;
		if (!dup && n < 16)
			found[n++] = c->code;
	}
	qsort(found, n, sizeof found[0], cmp_str);
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(out);
		snprintf(out + len, size - len, "%s%s", i ? "," : "", found[i]);
	}
	return 0;
}

int codes_list_has(const char *list, const char *code)
{
	size_t n = strlen(code);
	for (const char *p = list; p && *p;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		if (len == n && !strncmp(p, code, n))
			return 1;
		p = comma ? comma + 1 : NULL;
	}
	return 0;
}

void codes_syndromes(double temperature, const char *symptoms, char *out, size_t size)
{
	out[0] = 0;
	if (temperature >= ILI_FEVER_C &&
	    (codes_list_has(symptoms, "cough") || codes_list_has(symptoms, "sore_throat")))
		snprintf(out, size, "ili");
}
