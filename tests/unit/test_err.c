/*
 * test_err.c — the error convention formats locations the way imports need.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "util/err.h"

static void test_err_formats_file_row_column(void **state)
{
	(void)state;
	jy_err e;
	err_clear(&e);
	int rc = err_at(&e, JY_EINVAL, "roster.csv", 7, "性别", "性别只能是 男/女 (gender must be M/F): '%s'", "X");
	assert_int_equal(rc, JY_EINVAL);
	char buf[1024];
	err_format(&e, buf, sizeof buf);
	assert_string_equal(buf, "roster.csv:7:性别: 性别只能是 男/女 (gender must be M/F): 'X'");
}

static void test_err_null_struct_keeps_code(void **state)
{
	(void)state;
	assert_int_equal(err_set(NULL, JY_ENOENT, "x"), JY_ENOENT);
	assert_string_equal(err_name(JY_EPERM), "forbidden");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_err_formats_file_row_column),
		cmocka_unit_test(test_err_null_struct_keeps_code),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
