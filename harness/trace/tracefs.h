/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MMREPRO_TRACE_TRACEFS_H
#define MMREPRO_TRACE_TRACEFS_H

#include <stdbool.h>

struct tep_handle;

/*
 * libtracefs, as declared in <tracefs/tracefs.h> (1.6).  That header
 * includes <event-parse.h> without its traceevent/ directory, which
 * would need an -I the build does not pass; these are the functions
 * used by session.c, with the header's own prototypes.
 */
struct tracefs_instance;
const char *tracefs_tracing_dir(void);
int tracefs_tracing_dir_is_mounted(bool mount, const char **path);
int tracefs_set_tracing_dir(char *tracing_dir);
struct tracefs_instance *tracefs_instance_create(const char *name);
bool tracefs_instance_is_new(struct tracefs_instance *instance);
int tracefs_instance_destroy(struct tracefs_instance *instance);
void tracefs_instance_free(struct tracefs_instance *instance);
int tracefs_trace_on(struct tracefs_instance *instance);
int tracefs_trace_off(struct tracefs_instance *instance);
int tracefs_instance_file_write(struct tracefs_instance *instance,
				const char *file, const char *str);
char *tracefs_instance_file_read(struct tracefs_instance *instance,
				 const char *file, int *psize);
int tracefs_instance_file_read_number(struct tracefs_instance *instance,
				      const char *file, long long *res);
bool tracefs_file_exists(struct tracefs_instance *instance, const char *name);
char *tracefs_instance_get_file(struct tracefs_instance *instance,
				const char *file);
void tracefs_put_tracing_file(char *name);
char *tracefs_get_clock(struct tracefs_instance *instance);
int tracefs_event_file_write(struct tracefs_instance *instance,
			     const char *system, const char *event,
			     const char *file, const char *str);
int tracefs_load_cmdlines(const char *tracing_dir, struct tep_handle *tep);

#endif
