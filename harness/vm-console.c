// SPDX-License-Identifier: GPL-2.0
/*
 * Reading a guest's console: where the command started and how it
 * ended, and whether the kernel crashed.  The command's own output goes
 * to another serial port, so it cannot fake a marker here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "vm.h"

/*
 * A crash is what the kernel prints when it oopses, panics or BUGs.
 * WARNING, hung-task and RCU stall reports are not crashes: under TCG
 * and heavy reclaim they are expected, and they stay in the log.
 */
static const char *const crash_marks[] = {
	"Oops:",
	"BUG:",
	"kernel BUG at",
	"Kernel panic",
	"general protection fault",
	"invalid opcode:",
	"UBSAN:",
	"Unable to handle kernel",
};

static const char *find_in(const char *p, const char *end, const char *s)
{
	size_t n = strlen(s);

	for (; p + n <= end; p++)
		if (*p == *s && !memcmp(p, s, n))
			return p;
	return NULL;
}

void vm_console_scan(const char *log, size_t len, struct vm_console *c)
{
	const char *p = log, *end = log + len, *nl, *m;
	size_t i;

	memset(c, 0, sizeof(*c));
	for (; p < end; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			nl = end;
		if (find_in(p, nl, "mmrepro-init: command starting"))
			c->started = true;
		m = find_in(p, nl, "mmrepro-exit=");
		if (m && !c->exited) {
			c->exited = true;
			c->status = atoi(m + strlen("mmrepro-exit="));
		}
		/*
		 * 6.1 prints "int3: 0000 [#1]", 6.9+ "Oops: int3: ...".  Only
		 * a first crash counts: an int3 after another oops is not the
		 * TCG race but a consequence.
		 */
		if (!c->crashed && find_in(p, nl, "int3: 0000 [#")) {
			c->crashed = c->int3 = true;
			c->crash_before_start = !c->started;
			c->crash_at = (size_t)(p - log);
		}
		for (i = 0; i < ARRAY_SIZE(crash_marks) && !c->crashed; i++) {
			if (!find_in(p, nl, crash_marks[i]))
				continue;
			c->crashed = true;
			c->crash_before_start = !c->started;
			c->crash_at = (size_t)(p - log);
		}
	}
}

/* `lines' console lines from offset `at', with \r dropped */
char *vm_console_excerpt(const char *log, size_t len, size_t at, int lines)
{
	const char *p = log + at, *end = log + len;
	char *out = malloc(len - at + 1), *o = out;

	if (!out)
		return NULL;
	for (; p < end && lines > 0; p++) {
		if (*p == '\r')
			continue;
		*o++ = *p;
		if (*p == '\n')
			lines--;
	}
	*o = '\0';
	return out;
}

const char *vm_outcome_name(enum vm_outcome o)
{
	static const char *const names[] = {
		[VM_OK] = "ok",
		[VM_CMD_FAILED] = "command failed",
		[VM_CRASH] = "guest crash",
		[VM_HANG] = "hang",
		[VM_INFRA] = "infrastructure failure",
		[VM_INTERRUPTED] = "interrupted",
	};

	return names[o];
}
