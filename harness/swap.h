/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MMREPRO_SWAP_H
#define MMREPRO_SWAP_H

#include <stddef.h>

#include "scenario.h"

struct journal;

/* swap_setup() on a kernel that cannot run the scenario (no zram) */
#define SWAP_NOT_APPLICABLE 1

/*
 * A scenario's [swap] section, every change through the journal: 0, -1
 * with err set, or SWAP_NOT_APPLICABLE with the reason in err
 */
int swap_setup(struct journal *j, const struct scenario *sc, char *err,
	       size_t elen);

#endif
