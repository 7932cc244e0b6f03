// SPDX-License-Identifier: GPL-2.0
/* The default-options file (config.h), parsed with inih as scenarios are. */
#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "util.h"
#include "vm.h"

struct parse {
	struct mm_config *c;
	FILE *f;
	int line; /* lines the reader gave */
	int bad; /* the line of the first problem, 0: none */
	char why[256];
	unsigned int seen; /* a bit per key, for duplicates */
};

static const char *const keys[] = { "mem", "cpus", "accel", "cache" };

static int key_value(struct parse *p, int k, const char *v)
{
	struct mm_config *c = p->c;
	char *end;
	long n;

	switch (k) {
	case 0:
		if (parse_size(v, &c->mem)) {
			snprintf(p->why, sizeof(p->why),
				 "mem = %s: not a size (e.g. 512M, 4G)", v);
			return -1;
		}
		if (c->mem < VM_MIN_MEM) {
			snprintf(p->why, sizeof(p->why),
				 "mem = %s: at least %lluM", v,
				 (unsigned long long)(VM_MIN_MEM >> 20));
			return -1;
		}
		return 0;
	case 1:
		errno = 0;
		n = strtol(v, &end, 10);
		if (errno || end == v || *end || n < 1 || n > 4096) {
			snprintf(p->why, sizeof(p->why),
				 "cpus = %s: not a number of CPUs", v);
			return -1;
		}
		c->cpus = (int)n;
		return 0;
	case 2:
		if (strcmp(v, "kvm") && strcmp(v, "tcg")) {
			snprintf(p->why, sizeof(p->why),
				 "accel = %s: must be kvm or tcg", v);
			return -1;
		}
		snprintf(c->accel, sizeof(c->accel), "%s", v);
		return 0;
	}
	/* cache: ~/ is $HOME/ */
	if (!*v) {
		snprintf(p->why, sizeof(p->why), "cache: an empty path");
		return -1;
	}
	if (!strncmp(v, "~/", 2) && getenv("HOME"))
		snprintf(c->cache, sizeof(c->cache), "%s/%s", getenv("HOME"),
			 v + 2);
	else
		snprintf(c->cache, sizeof(c->cache), "%s", v);
	return 0;
}

/* inih's reader: a line at a time, counted, none after a problem */
static char *reader(char *buf, int n, void *stream)
{
	struct parse *p = stream;
	size_t len;

	if (p->bad || !fgets(buf, n, p->f))
		return NULL;
	p->line++;
	len = strlen(buf);
	if (len + 1 == (size_t)n && buf[len - 1] != '\n' && !feof(p->f)) {
		p->bad = p->line;
		snprintf(p->why, sizeof(p->why),
			 "line longer than %d characters", n - 2);
		return NULL;
	}
	if (buf[strspn(buf, " \t")] == '[') {
		p->bad = p->line;
		snprintf(p->why, sizeof(p->why),
			 "a [section]: the file has none, only KEY = VALUE");
		return NULL;
	}
	return buf;
}

static int handler(void *user, const char *section, const char *name,
		   const char *value)
{
	struct parse *p = user;
	size_t k;

	p->bad = p->line;

	(void)section; /* always "": the reader refuses [sections] */
	for (k = 0; k < ARRAY_SIZE(keys); k++)
		if (!strcmp(name, keys[k]))
			break;
	if (k == ARRAY_SIZE(keys)) {
		snprintf(p->why, sizeof(p->why),
			 "unknown key '%s' (known: mem, cpus, accel, cache)",
			 name);
		return 0;
	}
	if (p->seen & 1u << k) {
		snprintf(p->why, sizeof(p->why), "%s is set twice", name);
		return 0;
	}
	p->seen |= 1u << k;
	if (key_value(p, (int)k, value))
		return 0;
	p->bad = 0;
	return 1;
}

static void config_path(char *b, size_t l)
{
	const char *e = getenv("MMREPRO_CONFIG");
	const char *x = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");

	if (e && *e)
		snprintf(b, l, "%s", e);
	else if (x && *x == '/')
		snprintf(b, l, "%s/mmrepro/config", x);
	else if (home && *home)
		snprintf(b, l, "%s/.config/mmrepro/config", home);
	else
		b[0] = '\0';
}

const struct mm_config *config_get(void)
{
	static struct mm_config c;
	static int loaded;
	struct parse p = { .c = &c };
	char path[sizeof(c.path)];
	FILE *f;
	int line;

	if (loaded)
		return &c;
	loaded = 1;
	config_path(path, sizeof(path));
	if (!path[0] || !strcmp(path, "/dev/null"))
		return &c;
	f = fopen(path, "r");
	if (!f) {
		/* the default file may be absent; a named one may not */
		if (errno == ENOENT && !getenv("MMREPRO_CONFIG"))
			return &c;
		die("%s: %s", path, strerror(errno));
	}
	p.f = f;
	line = ini_parse_stream(reader, &p, handler, &p);
	fclose(f);
	/* inih's line is its first error: a syntax error before ours */
	if (line > 0 && (!p.bad || line < p.bad))
		die("%s:%d: not KEY = VALUE", path, line);
	if (p.bad)
		die("%s:%d: %s", path, p.bad, p.why);
	snprintf(c.path, sizeof(c.path), "%s", path);
	return &c;
}
