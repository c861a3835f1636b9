/*
 * fuzz_import.c — every spreadsheet importer, from CSV bytes to rows in
 * the store: roster, checks, declarations, risk regions, return batches,
 * presence, and SocioPatterns contacts.  The first byte chooses the
 * importer; the rest is the file.  Each input runs inside a transaction
 * on the fuzz school that is rolled back (fuzz.h).
 *
 * Findings besides the sanitizers: an import that fails with invalid data
 * must say where (at least one FILE:ROW:COLUMN error), and one that fails
 * must not leave a transaction open.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "domain/checks_import.h"
#include "domain/declarations.h"
#include "domain/presence_import.h"
#include "domain/return_plan.h"
#include "domain/roster.h"
#include "domain/screening.h"
#include "fuzz.h"
#include "util/table.h"

enum { IMP_ROSTER, IMP_CHECKS, IMP_DECLARATIONS, IMP_RISK, IMP_BATCHES, IMP_PRESENCE,
       IMP_CONTACTS, IMP_COUNT };

static int run_table(fz_school *fz, int kind, const table *t, jy_errlist *errors, jy_err *err)
{
	switch (kind) {
	case IMP_ROSTER: {
		roster_report rep = { 0 };
		int rc = roster_import(fz->s, t, "fuzz.csv", &rep, errors, err);
		errlist_free(&rep.warnings);
		return rc;
	}
	case IMP_CHECKS: {
		checks_import_report rep = { 0 };
		return checks_import(fz->s, t, "fuzz.csv", &rep, errors, err);
	}
	case IMP_DECLARATIONS: {
		declarations_import_report rep = { 0 };
		return declarations_import(fz->s, t, "fuzz.csv", &rep, errors, err);
	}
	case IMP_RISK: {
		risk_import_report rep = { 0 };
		return screening_risk_import(fz->s, t, "fuzz.csv", &rep, errors, err);
	}
	case IMP_BATCHES: {
		return_plan_report rep = { 0 };
		return return_plan_import(fz->s, t, "fuzz.csv", &rep, errors, err);
	}
	default: {
		size_t rows = 0;
		return presence_import(fz->s, fz->school_id, t, "fuzz.csv", &rows, errors, err);
	}
	}
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fz_school_get();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	fz_school *fz = fz_school_get();
	int kind = data[0] % IMP_COUNT;
	jy_errlist errors = { 0 };
	jy_err err = { 0 };
	if (store_begin(fz->s, &err))
		abort();
	int rc;
	if (kind == IMP_CONTACTS) {
		char path[64];
		int fd = fz_memfile(data + 1, size - 1, path);
		size_t records = 0;
		rc = contacts_import(fz->s, fz->school_id, path, 20, &records, &errors, &err);
		close(fd);
	} else {
		table *t = NULL;
		rc = csv_read_buffer("fuzz.csv", (const char *)data + 1, size - 1, &t, &err);
		if (rc == 0)
			rc = run_table(fz, kind, t, &errors, &err);
		else
			rc = 0;   /* the reader refused it: fuzz_csv's business */
		table_free(t);
	}
	store_rollback(fz->s);
	if (rc == JY_EINVAL && errors.n == 0 && !err.msg[0]) {
		fprintf(stderr, "fuzz_import: importer %d refused the file without saying where\n",
			kind);
		abort();
	}
	errlist_free(&errors);
	/* The store must be usable again: a fresh transaction opens. */
	if (store_begin(fz->s, &err)) {
		fprintf(stderr, "fuzz_import: store unusable after importer %d: %s\n", kind,
			err.msg);
		abort();
	}
	store_rollback(fz->s);
	return 0;
}
