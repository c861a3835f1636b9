/*
 * cli.h — the commands of the `jinyun` binary.
 *
 * Every command is one function `int cmd_NAME(int argc, char **argv)` where
 * argv[0] is the command's own name (as getopt expects).  It returns the
 * process exit status: 0 on success, 1 on a user error (bad input, refused
 * import), 2 on bad usage.  Each prints `--help` on request.  The dispatch
 * table lives in src/main.c, one row per command.
 */
#ifndef JY_CLI_H
#define JY_CLI_H

#include <stdio.h>

#include "util/err.h"
#include "util/table.h"

#define JY_DEFAULT_DB "./jinyun.db"

int cmd_init(int argc, char **argv);
int cmd_demo(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_user(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_aberration(int argc, char **argv);
int cmd_trace(int argc, char **argv);
int cmd_census(int argc, char **argv);
int cmd_alerts(int argc, char **argv);
int cmd_signals(int argc, char **argv);
int cmd_screen(int argc, char **argv);
int cmd_device(int argc, char **argv);
/* Campus operations (operations.c). */
int cmd_stagger(int argc, char **argv);
int cmd_hygiene(int argc, char **argv);
int cmd_supplies(int argc, char **argv);
int cmd_plans(int argc, char **argv);
/* Many schools, privacy and retention (district.c). */
int cmd_school(int argc, char **argv);
int cmd_privacy(int argc, char **argv);
int cmd_purge(int argc, char **argv);
struct store;
/* May personal data be exported (`jinyun export KIND`)?  With as (a
 * username) the account's role must allow POL_EXPORT in the school; without
 * it the OS user is the operator.  Writes the audit record (action export).
 * 0, or JY_EPERM / a store error with err filled. */
int cli_export_allowed(struct store *s, const char *as, const char *kind, const char *format,
		       const char *file, const char *date, jy_err *err);
/* Take --school CODE out of argv (any position before "--") and hand it to
 * the store as JINYUN_SCHOOL; *argc shrinks accordingly. */
void cli_take_school_option(int *argc, char **argv);

/* Jurisdiction sharing (share.c); backup and restore (backup.c). */
int cmd_share(int argc, char **argv);
int cmd_backup(int argc, char **argv);
int cmd_restore(int argc, char **argv);

/* Return to school (return.c): the importers of `jinyun import` and the
 * gate readings of `jinyun export` (CSV: person,temperature,time,gate,decision). */
int cli_import_declarations(const char *db_path, const char *file, const char *sheet);
int cli_import_risk_regions(const char *db_path, const char *file, const char *sheet);
int cli_import_batches(const char *db_path, const char *file, const char *sheet);
struct store;
int cli_export_gate_readings(struct store *s, const char *date, FILE *f, jy_err *err);

/* Cases and contacts (presence.c): `jinyun import presence` and
 * `jinyun import contacts` (resolution: the --resolution value or NULL). */
int cli_import_presence(const char *db_path, const char *file, const char *sheet);
int cli_import_contacts(const char *db_path, const char *file, const char *resolution);

/* Read FILE as CSV or xlsx (by extension); sheet only for xlsx. */
int cli_read_table(const char *file, const char *sheet, table **t, jy_err *err);
/* Print each error of l as FILE:ROW:COLUMN: message on stderr. */
void cli_print_errlist(const jy_errlist *l);

/* Open the store at path and find its school; on failure print the reason
 * as `jinyun CMD: …`, close what was opened and return 1. */
struct store;
struct school_rec;
int cli_open_school(const char *cmd, const char *path, struct store **s, struct school_rec *sc);

/* Print j pretty (and delete it); 0, or 1 when out of memory. */
struct cJSON;
int cli_print_json(struct cJSON *j);

/* Print "jinyun CMD: message" on stderr, return exit code 1. */
int cli_fail(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* True when argv holds -h or --help (anywhere). */
int cli_wants_help(int argc, char **argv);

#endif
