// SPDX-License-Identifier: GPL-2.0
/* oom:mark_victim: pid, comm and RSS of each OOM victim. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util.h"
#include "group.h"

struct oom_victim {
	uint64_t ts;
	int pid;
	char comm[64];
	long long total_vm_kb, anon_rss_kb, file_rss_kb, shmem_rss_kb;
	int oom_score_adj;
	bool has_comm, has_rss, has_adj;
};

struct oom_state {
	struct oom_victim *victims;
	size_t nvictims;
};

static void *oom_new(struct trace_state *st)
{
	(void)st;
	return trace_zalloc(1, sizeof(struct oom_state));
}

enum { MV_PID, MV_COMM, MV_TOTAL_VM, MV_ANON, MV_FILE, MV_SHMEM, MV_ADJ };

static void mark_victim(struct trace_state *st, const struct trace_bound *b,
			const struct trace_rec *r)
{
	struct oom_state *s = b->gs;
	struct oom_victim *v;
	const char *comm;
	int len;

	v = realloc(s->victims, (s->nvictims + 1) * sizeof(*v));
	if (!v)
		die("out of memory");
	s->victims = v;
	v = &s->victims[s->nvictims++];
	memset(v, 0, sizeof(*v));
	v->ts = r->ts;
	v->pid = (int)trace_field_s(b, MV_PID, r);
	comm = trace_field_str(b, MV_COMM, r, &len);
	if (comm) {
		snprintf(v->comm, sizeof(v->comm), "%.*s", len, comm);
		v->has_comm = true;
	}
	if (b->f[MV_ANON]) {
		v->total_vm_kb = (long long)trace_field(b, MV_TOTAL_VM, r);
		v->anon_rss_kb = (long long)trace_field(b, MV_ANON, r);
		v->file_rss_kb = (long long)trace_field(b, MV_FILE, r);
		v->shmem_rss_kb = (long long)trace_field(b, MV_SHMEM, r);
		v->has_rss = true;
	}
	if (b->f[MV_ADJ]) {
		v->oom_score_adj = (int)trace_field_s(b, MV_ADJ, r);
		v->has_adj = true;
	}
	if (trace_listed(st, b)) {
		char detail[128];

		if (v->has_rss)
			snprintf(detail, sizeof(detail), "%s anon_rss %lld kB",
				 v->has_comm ? v->comm : "?", v->anon_rss_kb);
		else
			snprintf(detail, sizeof(detail), "%s",
				 v->has_comm ? v->comm : "?");
		trace_list(st, b, r,
			   &(struct trace_item){ .what = "victim",
						 .node = -1,
						 .order = -1,
						 .value = v->pid,
						 .unit = "pid",
						 .detail = detail });
	}
}

/* Victims gone before we looked: the kernel's saved_cmdlines may know */
static void oom_fill_comms(struct trace_state *st, void *gs)
{
	struct oom_state *s = gs;
	size_t i;

	for (i = 0; i < s->nvictims; i++) {
		struct oom_victim *v = &s->victims[i];
		const char *c;

		if (v->has_comm)
			continue;
		c = trace_saved_comm(st, v->pid);
		if (c) {
			snprintf(v->comm, sizeof(v->comm), "%s", c);
			v->has_comm = true;
		}
	}
}

static void oom_free(void *gs)
{
	struct oom_state *s = gs;

	free(s->victims);
	free(s);
}

static json_t *victim_json(struct trace_state *st, const struct oom_victim *v)
{
	const struct trace_task *t = trace_task_find(st, v->pid);
	json_t *e = json_object();
	const char *comm = v->has_comm	   ? v->comm :
			   t && t->comm[0] ? t->comm :
					     NULL;

	json_object_set_new(
		e, "t_s",
		json_real(v->ts > st->t0 ? trace_secs(v->ts - st->t0) : 0));
	json_object_set_new(e, "pid", json_integer(v->pid));
	json_object_set_new(e, "comm", comm ? json_string(comm) : json_null());
	if (v->has_rss) {
		json_object_set_new(e, "total_vm_kB",
				    json_integer(v->total_vm_kb));
		json_object_set_new(e, "anon_rss_kB",
				    json_integer(v->anon_rss_kb));
		json_object_set_new(e, "file_rss_kB",
				    json_integer(v->file_rss_kb));
		json_object_set_new(e, "shmem_rss_kB",
				    json_integer(v->shmem_rss_kb));
	}
	if (v->has_adj)
		json_object_set_new(e, "oom_score_adj",
				    json_integer(v->oom_score_adj));
	return e;
}

static int by_time(const void *a, const void *b)
{
	const struct oom_victim *x = a, *y = b;

	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	return x->pid - y->pid;
}

static json_t *oom_json(struct trace_state *st, void *gs)
{
	struct oom_state *s = gs;
	json_t *o = json_object(), *a = json_array();
	size_t i;

	/* in time order, whichever CPU's buffer was read first */
	qsort(s->victims, s->nvictims, sizeof(*s->victims), by_time);
	for (i = 0; i < s->nvictims; i++)
		json_array_append_new(a, victim_json(st, &s->victims[i]));
	json_object_set_new(o, "count", json_integer((json_int_t)s->nvictims));
	json_object_set_new(o, "victims", a);
	return o;
}

static void oom_summary(struct trace_state *st, void *gs, json_t *o)
{
	const struct oom_state *s = gs;

	(void)st;
	json_object_set_new(o, "oom_victims",
			    json_integer((json_int_t)s->nvictims));
}

static int oom_describe(const json_t *t, char *buf, size_t len)
{
	return trace_describe_count(t, "oom_victims", "OOM victims", buf, len);
}

static int oom_progress(const struct trace_state *st, const void *gs, char *buf,
			size_t len)
{
	const struct oom_state *s = gs;

	(void)st;
	return snprintf(buf, len, " | oom %zu", s->nvictims);
}

/* The order of the fields matches the handler's enum above */
static const struct trace_event_ops events[] = {
	{
		.system = "oom",
		.name = "mark_victim",
		.fields = { "pid", "?comm", "?total_vm", "?anon_rss",
			    "?file_rss", "?shmem_rss", "?oom_score_adj" },
		.handle = mark_victim,
	},
};

const struct trace_group_ops trace_group_oom_victims = {
	.name = "oom_victims",
	.events = events,
	.nevents = ARRAY_SIZE(events),
	.init = oom_new,
	.json = oom_json,
	.summary = oom_summary,
	.describe = oom_describe,
	.free = oom_free,
	.progress = oom_progress,
	.fill_comms = oom_fill_comms,
};
