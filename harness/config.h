/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MMREPRO_CONFIG_H
#define MMREPRO_CONFIG_H

#include <stdint.h>

/*
 * The default-options file: $MMREPRO_CONFIG (/dev/null: none), else
 * $XDG_CONFIG_HOME/mmrepro/config, else ~/.config/mmrepro/config.  An
 * ini file of KEY = VALUE lines, no sections:
 *
 *   mem = 4G        vm --mem
 *   cpus = 4        vm --cpus
 *   accel = kvm     vm/run --accel
 *   cache = DIR     the kernel cache (as $MMREPRO_CACHE, which wins)
 *
 * Options on the command line win over it.
 */
struct mm_config {
	char path[4096]; /* the file read; "" when none */
	uint64_t mem; /* 0: not set */
	int cpus; /* 0: not set */
	char accel[8]; /* "": not set */
	char cache[4096]; /* "": not set */
};

/*
 * Read once, on the first call; a bad file ends the program with
 * "FILE:LINE: reason" and exit 2
 */
const struct mm_config *config_get(void);

#endif
