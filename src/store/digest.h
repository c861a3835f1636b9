/*
 * digest.h — the declaration digest: per school and person, one row with
 * what screening reads of each of their declarations (kind, dates, region,
 * symptoms, temperature), in the order of the declaration_scan index
 * (date_to, kind, date_from, temperature, symptoms, region).
 *
 * Every change of a declaration through the store rewrites its person's
 * digest in the same transaction (store_declaration_upsert and _delete call
 * store_digest_person).  A bulk delete that goes around them (the purge)
 * marks the digests incomplete; the next read rebuilds them all first.
 *
 * Screening a school reads 300,000 digests instead of 4.5 million index
 * rows, and hands the screening code exactly what store_declaration_facts
 * would: the same facts in the same order (tests/unit/test_digest.c).
 */
#ifndef JY_STORE_DIGEST_H
#define JY_STORE_DIGEST_H

#include "store/returns.h"

/* Rewrite the digest of a person at a school from their declarations
 * (removes it when they have none). */
int store_digest_person(store *s, int64_t school_id, int64_t person_id, jy_err *err);
/* Mark every digest stale (after declarations were deleted in bulk). */
int store_digest_invalidate(store *s, jy_err *err);
/* Rebuild every digest when they are marked stale; nothing otherwise. */
int store_digest_ensure(store *s, jy_err *err);
/* store_declaration_facts through the digests: the same calls in the same
 * order (person, then the index order), read from one row per person. */
int store_declaration_digests(store *s, int64_t school_id, const char *since, store_fact_cb cb,
			      void *ctx, jy_err *err);

#endif
