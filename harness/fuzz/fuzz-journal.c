// SPDX-License-Identifier: GPL-2.0
/*
 * The journal reader: the input is a journal file, read as teardown and
 * a stale journal are, with an undo that changes nothing on the host
 * (a line starting "f" fails to be undone, so that what is left is
 * written back too).
 */
#include <stdio.h>
#include <stdlib.h>

#include "fuzz.h"
#include "journal.h"

static int fake_undo(const char *line, FILE *log, bool stale)
{
	(void)log;
	(void)stale;
	return line[0] == 'f';
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static FILE *log;
	char path[4200];

	if (!log)
		log = fopen("/dev/null", "w");
	snprintf(path, sizeof(path), "%s/journal", fuzz_dir());
	fuzz_put("journal", data, len);
	journal_replay_with(path, log, len & 1, fake_undo);
	return 0;
}
