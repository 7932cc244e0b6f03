/* SPDX-License-Identifier: GPL-2.0 */
/* What the libFuzzer targets share: a scratch directory and file writes. */
#ifndef MMREPRO_FUZZ_H
#define MMREPRO_FUZZ_H

#include <stddef.h>
#include <stdint.h>

/* a directory of this process, made once, removed at exit */
const char *fuzz_dir(void);
/* DIR/REL (parents made) holding exactly data[0..len) */
void fuzz_put(const char *rel, const uint8_t *data, size_t len);
/* a malloc'ed copy with a '\0' after it */
char *fuzz_str(const uint8_t *data, size_t len);
#endif
