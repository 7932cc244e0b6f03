// SPDX-License-Identifier: GPL-2.0
/* The guest console classifier (vm-console.c): the input is a console log */
#include <stdio.h>
#include <stdlib.h>

#include "fuzz.h"
#include "vm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct vm_console c = { 0 };
	char *log = fuzz_str(data, len);

	vm_console_scan(log, len, &c);
	if (c.crashed)
		free(vm_console_excerpt(log, len, c.crash_at, 20));
	free(vm_console_excerpt(log, len, len / 2, 5));
	free(log);
	return 0;
}
