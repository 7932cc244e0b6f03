/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MMREPRO_RESULTS_H
#define MMREPRO_RESULTS_H

#include <jansson.h>

#include "source.h"

/* Kernel, cmdline, CPUs, memory, vm sysctls and the harness version */
json_t *meta_system(const struct mm_env *env);
json_t *meta_argv(int argc, char *const *argv);
/* protect_self(), and what it got, for meta.json's "self_protection" */
json_t *meta_protect_self(void);
int json_save(json_t *j, const char *dir, const char *name);
int snapshot_files(const struct mm_env *env, const char *dir, char *errpath,
		   size_t elen);
void results_default_dir(char *buf, size_t len, const char *what,
			 const struct mm_env *env);

#endif
