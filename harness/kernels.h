/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MMREPRO_KERNELS_H
#define MMREPRO_KERNELS_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Debian kernels by name (6.18, 7.2.13): harness/kernels.sh, carried by
 * the binary, fetches and unpacks them into the cache.
 */
#define KERNEL_NAME_MAX 32

struct kernel_pkg {
	char name[KERNEL_NAME_MAX];
	char release[128];
	char image[4096];
	char modules[4096];
};

/*
 * A kernel name rather than an image: SERIES or SERIES.N, and no file
 * of that name here
 */
bool kernel_is_name(const char *s);
/* Fetch (or find in the cache) the kernel NAME; -1 with the reason */
int kernel_fetch(const char *name, struct kernel_pkg *k, char *err,
		 size_t elen);
/*
 * *kernel a NAME: fetch it into k, and point *kernel and *modules at
 * its image and modules (1); an image is left alone (0).  -1 with the
 * reason, also for a name given with modules or debs.
 */
int kernel_resolve(const char **kernel, const char **modules, bool debs,
		   struct kernel_pkg *k, char *err, size_t elen);
/*
 * The packaged kernels the apt lists offer, oldest first (as the script
 * lists them), as exact names (6.12.118; 6.1 once, by series): a
 * malloc'd array of *n malloc'd strings, or NULL with the reason
 */
char **kernel_list(int *n, char *err, size_t elen);
void kernel_list_free(char **v, int n);
/* The newest entry of list that NAME means (a series or exact), or -1 */
int kernel_list_find(char *const *list, int n, const char *name);

#endif
