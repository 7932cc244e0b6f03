/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MMREPRO_RUNNER_H
#define MMREPRO_RUNNER_H

#include <signal.h>
#include <stdbool.h>

#include "scenario.h"
#include "verdict.h"

/* Run the scenario on this system (a guest, or --local); exit code */
int run_here(struct scenario *sc, const char *out, bool quiet, bool in_guest,
	     volatile sig_atomic_t *stop);

#endif
