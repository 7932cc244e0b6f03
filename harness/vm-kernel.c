// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel side of `mmrepro vm`: check the image, find its modules
 * (from --modules or from Debian packages), order them with depmod and
 * build the initramfs, cached by a hash of its content.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config.h"
#include "util.h"
#include "vm.h"

/* the init script, generated from vm-init.sh by the Makefile */
extern const char vm_init_sh[];

#define BUSYBOX "/bin/busybox"

/*
 * Modules the guest needs, by name or alias; whichever the kernel has
 * built in or lacks is skipped.  Compressors are preloaded because
 * writing zram's comp_algorithm would autoload crypto-* modules, and
 * there is no modprobe in the guest.
 */
static const char *const wanted[] = {
	"virtio_pci", "virtio_blk",	"9pnet_virtio",	  "9p",
	"overlay",    "ext4",		"zram",		  "veth",
	"crypto-lz4", "crypto-lzo-rle", "crypto-zstd",	  "crypto-lzo",
	"crypto-842", "crypto-lz4hc",	"crypto-deflate",
};

void vm_cache_base(char *b, size_t l)
{
	const char *base = getenv("MMREPRO_CACHE");
	const char *home = getenv("HOME");

	if (base && *base)
		snprintf(b, l, "%s", base);
	else if (config_get()->cache[0])
		snprintf(b, l, "%s", config_get()->cache);
	else
		snprintf(b, l, "%s/.cache/mmrepro", home ? home : "/tmp");
}

/*
 * The cache holds what boots as the guest's initramfs and modules: a
 * directory someone else owns, or others may write, could hand us
 * theirs.  Each level used must be a real directory (not a symlink),
 * this user's, and writable by it alone.
 */
static int cache_dir_ok(const char *path, char *why, size_t wlen)
{
	struct stat st;

	if (lstat(path, &st)) {
		snprintf(why, wlen, "cache %s: %s", path, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		snprintf(why, wlen, "cache %s: not a directory (a symlink?)",
			 path);
		return -1;
	}
	if (st.st_uid != geteuid()) {
		snprintf(why, wlen,
			 "cache %s: owned by uid %u, not by this user (%u)",
			 path, (unsigned int)st.st_uid,
			 (unsigned int)geteuid());
		return -1;
	}
	if (st.st_mode & 022) {
		snprintf(
			why, wlen,
			"cache %s: group or others may write it (mode %03o): chmod go-w it",
			path, (unsigned int)(st.st_mode & 0777));
		return -1;
	}
	return 0;
}

int vm_cache_check(char *why, size_t wlen)
{
	char base[4096];

	vm_cache_base(base, sizeof(base));
	if (access(base, F_OK) && errno == ENOENT)
		return 0; /* made at first use, as ours */
	return cache_dir_ok(base, why, wlen);
}

/* PATH made if missing, then held to cache_dir_ok() */
static int make_ours(const char *path, char *why, size_t wlen)
{
	int ret = mkdir_p(path, 0755);

	if (ret) {
		snprintf(why, wlen, "cache %s: cannot create: %s", path,
			 strerror(-ret));
		return -1;
	}
	return cache_dir_ok(path, why, wlen);
}

char *vm_cache_dir(const char *sub, char *why, size_t wlen)
{
	char base[4096], path[4200];

	vm_cache_base(base, sizeof(base));
	if (make_ours(base, why, wlen))
		return NULL;
	snprintf(path, sizeof(path), "%s%s%s", base, *sub ? "/" : "", sub);
	return *sub && make_ours(path, why, wlen) ? NULL : strdup(path);
}

/*
 * Run argv, its stderr dropped; its stdout goes to `out' (NUL-terminated,
 * cut to len; may be NULL).  Returns the exit status, or -1.
 */
static int run_quiet(char *const argv[], char *out, size_t len)
{
	char *all = NULL;
	int st = run_capture(NULL, argv, &all, "/dev/null");

	if (out && len)
		snprintf(out, len, "%s", all ? all : "");
	free(all);
	return st > 127 ? -1 : st;
}

/* hex SHA-256 of a file's content (65 bytes with its NUL), by sha256sum */
static int file_sha256(const char *path, char *hex)
{
	char out[160];
	char *argv[] = { "sha256sum", "--", (char *)path, NULL };

	if (run_quiet(argv, out, sizeof(out)) ||
	    strspn(out, "0123456789abcdef") < 64)
		return -1;
	memcpy(hex, out, 64);
	hex[64] = '\0';
	return 0;
}

/*
 * The release string of a bzImage, from its setup header: "HdrS" at
 * 0x202, and at 0x20e the offset (minus 0x200) of the version string.
 */
int vm_kernel_release(const char *image, char *rel, size_t len, char *why,
		      size_t wlen)
{
	unsigned char hdr[0x210];
	char ver[256];
	uint16_t off;
	ssize_t n;
	int fd = open(image, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		snprintf(why, wlen, "%s: %s", image, strerror(errno));
		return -1;
	}
	n = pread(fd, hdr, sizeof(hdr), 0);
	if (n != (ssize_t)sizeof(hdr) || memcmp(hdr + 0x202, "HdrS", 4)) {
		close(fd);
		snprintf(why, wlen,
			 "%s: not an x86 kernel image (no bzImage header)",
			 image);
		return -1;
	}
	off = (uint16_t)(hdr[0x20e] | hdr[0x20f] << 8);
	n = pread(fd, ver, sizeof(ver) - 1, (off_t)off + 0x200);
	close(fd);
	if (n <= 0) {
		snprintf(why, wlen, "%s: truncated kernel image", image);
		return -1;
	}
	ver[n] = '\0';
	ver[strcspn(ver, " ")] = '\0';
	snprintf(rel, len, "%s", ver);
	return 0;
}

static bool is_dir(const char *p)
{
	struct stat st;

	return !stat(p, &st) && S_ISDIR(st.st_mode);
}

static bool is_file(const char *p)
{
	struct stat st;

	return !stat(p, &st) && S_ISREG(st.st_mode);
}

/* Unpack a linux-image/-modules/-binary package once into the cache */
static int unpack_deb(const char *deb, char *dir, size_t len, char *why,
		      size_t wlen)
{
	char pkg[256], ver[128], tmp[4200], sum[65], *cache;
	char *fpkg[] = { "dpkg-deb", "-f", (char *)deb, "Package", NULL };
	char *fver[] = { "dpkg-deb", "-f", (char *)deb, "Version", NULL };

	if (!is_file(deb)) {
		snprintf(why, wlen, "--deb %s: no such file", deb);
		return -1;
	}
	if (run_quiet(fpkg, pkg, sizeof(pkg)) ||
	    run_quiet(fver, ver, sizeof(ver))) {
		snprintf(why, wlen, "--deb %s: not a Debian package", deb);
		return -1;
	}
	pkg[strcspn(pkg, "\n")] = '\0';
	ver[strcspn(ver, "\n")] = '\0';
	/* both name a cache directory: Debian's own alphabet, no '/' */
	if (!pkg[0] || !ver[0] ||
	    pkg[strspn(pkg, "abcdefghijklmnopqrstuvwxyz0123456789+.-")] ||
	    ver[strspn(
		    ver,
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.+~:-")]) {
		snprintf(why, wlen,
			 "--deb %s: package name or version is not Debian's",
			 deb);
		return -1;
	}
	if (strncmp(pkg, "linux-image-", 12) &&
	    strncmp(pkg, "linux-modules-", 14) &&
	    strncmp(pkg, "linux-binary-", 13)) {
		snprintf(
			why, wlen,
			"--deb %s: package %s is not a linux-image, linux-modules or linux-binary package",
			deb, pkg);
		return -1;
	}
	if (file_sha256(deb, sum)) {
		snprintf(why, wlen, "--deb %s: cannot read it (sha256sum)",
			 deb);
		return -1;
	}
	cache = vm_cache_dir("debs", why, wlen);
	if (!cache)
		return -1;
	/* by content, not by name: a rebuilt package of the same version */
	snprintf(dir, len, "%s/%s_%s_%.16s", cache, pkg, ver, sum);
	free(cache);
	if (is_dir(dir))
		return 0;
	snprintf(tmp, sizeof(tmp), "%s.tmp%d", dir, (int)getpid());
	{
		char *x[] = { "dpkg-deb", "-x", (char *)deb, tmp, NULL };

		if (run_quiet(x, NULL, 0) || rename(tmp, dir)) {
			snprintf(why, wlen, "--deb %s: cannot unpack", deb);
			return -1;
		}
	}
	return 0;
}

/* ROOT/{usr/,}lib/modules/REL, if it exists */
static bool find_moddir(const char *root, const char *rel, char *out,
			size_t len)
{
	static const char *const sub[] = { "", "lib/modules/",
					   "usr/lib/modules/" };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(sub); i++) {
		char p[4200];

		if (i == 0) {
			/* DIR itself is lib/modules/REL */
			const char *b = strrchr(root, '/');

			if (strcmp(b ? b + 1 : root, rel))
				continue;
			snprintf(p, sizeof(p), "%s", root);
		} else {
			snprintf(p, sizeof(p), "%s/%s%s", root, sub[i], rel);
		}
		if (is_dir(p)) {
			pathf(out, len, "%s", p);
			return true;
		}
	}
	return false;
}

/* vmlinuz in an unpacked package: /boot/vmlinuz-* or modules/REL/vmlinuz* */
static bool find_image(const char *root, char *out, size_t len)
{
	static const char *const dirs[] = { "boot", "usr/lib/modules",
					    "lib/modules" };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(dirs); i++) {
		char d[4200], p[4400];
		struct dirent *de, *de2;
		DIR *dd, *d2;

		snprintf(d, sizeof(d), "%s/%s", root, dirs[i]);
		dd = opendir(d);
		while (dd && (de = readdir(dd))) {
			if (!strncmp(de->d_name, "vmlinuz", 7)) {
				pathf(out, len, "%s/%s", d, de->d_name);
				closedir(dd);
				return true;
			}
			if (i == 0 || de->d_name[0] == '.')
				continue;
			pathf(p, sizeof(p), "%s/%s", d, de->d_name);
			d2 = opendir(p);
			while (d2 && (de2 = readdir(d2))) {
				if (strncmp(de2->d_name, "vmlinuz", 7))
					continue;
				pathf(out, len, "%s/%s", p, de2->d_name);
				closedir(d2);
				closedir(dd);
				return true;
			}
			if (d2)
				closedir(d2);
		}
		if (dd)
			closedir(dd);
	}
	return false;
}

int vm_prepare_kernel(const struct vm_cfg *cfg, struct vm_kernel *k, char *why,
		      size_t wlen)
{
	char roots[VM_MAX_DEBS][4096];
	int i;

	memset(k, 0, sizeof(*k));
	for (i = 0; i < cfg->ndebs; i++)
		if (unpack_deb(cfg->debs[i], roots[i], sizeof(roots[i]), why,
			       wlen))
			return -1;
	if (cfg->kernel) {
		snprintf(k->image, sizeof(k->image), "%s", cfg->kernel);
	} else {
		for (i = 0; i < cfg->ndebs; i++)
			if (find_image(roots[i], k->image, sizeof(k->image)))
				break;
		if (!k->image[0]) {
			snprintf(
				why, wlen,
				"no kernel image: give --kernel, or a --deb that holds one");
			return -1;
		}
	}
	if (vm_kernel_release(k->image, k->release, sizeof(k->release), why,
			      wlen))
		return -1;
	if (cfg->modules && !find_moddir(cfg->modules, k->release, k->modroot,
					 sizeof(k->modroot))) {
		snprintf(
			why, wlen,
			"--modules %s: no modules for %s (looked for DIR, DIR/lib/modules/%s)",
			cfg->modules, k->release, k->release);
		return -1;
	}
	for (i = 0; i < cfg->ndebs && !k->modroot[0]; i++) {
		char kdir[4200];

		if (!find_moddir(roots[i], k->release, k->modroot,
				 sizeof(k->modroot)))
			continue;
		snprintf(kdir, sizeof(kdir), "%s/kernel", k->modroot);
		if (!is_dir(kdir))
			k->modroot[0] = '\0';
	}
	if (cfg->ndebs && !k->modroot[0]) {
		snprintf(
			why, wlen,
			"no modules for %s in the --deb packages (in sid they are in linux-modules-%s)",
			k->release, k->release);
		return -1;
	}
	return 0;
}

/* FNV-1a: a cache key, not a security boundary */
static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *c = p;

	while (n--)
		h = (h ^ *c++) * 0x100000001b3ULL;
	return h;
}

static uint64_t fnv_file(uint64_t h, const char *path)
{
	char buf[65536];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return fnv(h, path, strlen(path));
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		h = fnv(h, buf, (size_t)n);
	close(fd);
	return h;
}

/*
 * depmod's order for the wanted modules: modprobe --show-depends prints
 * "insmod PATH" lines, dependencies first, and "builtin NAME" for what
 * the kernel has built in.  modules.dep is made with depmod if the
 * package did not ship it.
 */
static int module_list(const struct vm_kernel *k, char **list, char *why,
		       size_t wlen)
{
	char base[4200], dep[4200], out[16384], *p, *line, *save;
	size_t i, used = 0, cap = 65536;
	char *l = calloc(1, cap);

	*list = l;
	if (!l)
		return -1;
	if (!k->modroot[0])
		return 0;
	/* modprobe -d BASE looks in BASE/lib/modules/REL */
	snprintf(base, sizeof(base), "%s", k->modroot);
	p = strstr(base, "/lib/modules/");
	if (!p) {
		snprintf(why, wlen, "%s: expected .../lib/modules/%s",
			 k->modroot, k->release);
		return -1;
	}
	*p = '\0';
	snprintf(dep, sizeof(dep), "%s/modules.dep", k->modroot);
	if (!is_file(dep)) {
		char *d[] = { "depmod", "-b", base, (char *)k->release, NULL };

		if (run_quiet(d, NULL, 0)) {
			snprintf(why, wlen, "depmod -b %s %s failed", base,
				 k->release);
			return -1;
		}
	}
	for (i = 0; i < ARRAY_SIZE(wanted); i++) {
		char *m[] = { "modprobe",
			      "-C",
			      "/dev/null",
			      "-d",
			      base,
			      "-S",
			      (char *)k->release,
			      "--show-depends",
			      (char *)wanted[i],
			      NULL };

		if (run_quiet(m, out, sizeof(out)))
			continue; /* neither module nor built in */
		for (line = strtok_r(out, "\n", &save); line;
		     line = strtok_r(NULL, "\n", &save)) {
			if (strncmp(line, "insmod ", 7))
				continue;
			line += 7;
			line[strcspn(line, " ")] = '\0';
			if (strstr(l, line))
				continue;
			if (used + strlen(line) + 2 > cap)
				break;
			used += (size_t)sprintf(l + used, "%s\n", line);
		}
	}
	return 0;
}

/* cp, or decompress a .ko.xz/.ko.zst/.ko.gz into a plain .ko */
static int stage_module(const char *src, const char *dstdir, char *name,
			size_t nlen)
{
	const char *b = strrchr(src, '/') ? strrchr(src, '/') + 1 : src;
	char cmd[200], dst[4400];
	size_t n = strcspn(b, ".");
	char *argv[] = { "sh", "-c", cmd, "stage", (char *)src, dst, NULL };

	snprintf(name, nlen, "%.*s.ko", (int)n, b);
	pathf(dst, sizeof(dst), "%s/%s", dstdir, name);
	if (strstr(b, ".ko.xz"))
		snprintf(cmd, sizeof(cmd), "xz -dc \"$1\" >\"$2\"");
	else if (strstr(b, ".ko.zst"))
		snprintf(cmd, sizeof(cmd), "zstd -qdc \"$1\" >\"$2\"");
	else if (strstr(b, ".ko.gz"))
		snprintf(cmd, sizeof(cmd), "gzip -dc \"$1\" >\"$2\"");
	else
		snprintf(cmd, sizeof(cmd), "cp \"$1\" \"$2\"");
	return run_quiet(argv, NULL, 0) ? -1 : 0;
}

/*
 * A cached image is used only if its content still has the SHA-256 kept
 * beside it (PATH.sha256, written last): a file cut short by a full disk
 * or a crash, or changed since, is built again.
 */
static bool cached_ok(const char *path)
{
	char p[4300], have[65], *want;
	bool ok;

	if (!is_file(path))
		return false;
	snprintf(p, sizeof(p), "%s.sha256", path);
	want = read_file_str(p, 128, NULL);
	ok = want && !file_sha256(path, have) && !strncmp(want, have, 64);
	free(want);
	return ok;
}

static int cached_seal(const char *path)
{
	char p[4300], sum[65];

	snprintf(p, sizeof(p), "%s.sha256", path);
	if (file_sha256(path, sum))
		return -1;
	sum[64] = '\n';
	return write_file(p, sum, 65);
}

/* The initramfs tree in TMP: the modules, their order and /init */
static int stage_tree(const char *tmp, const char *mods)
{
	char p[4400], order[65536], name[256], *list, *line, *save;
	size_t olen = 0;

	snprintf(p, sizeof(p), "%s/modules", tmp);
	if (mkdir_p(p, 0755))
		return -1;
	snprintf(p, sizeof(p), "%s/bin", tmp);
	if (mkdir_p(p, 0755))
		return -1;
	list = strdup(mods);
	for (line = strtok_r(list, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		snprintf(p, sizeof(p), "%s/modules", tmp);
		if (stage_module(line, p, name, sizeof(name))) {
			free(list);
			return -1;
		}
		olen += (size_t)snprintf(order + olen, sizeof(order) - olen,
					 "%s\n", name);
	}
	free(list);
	snprintf(p, sizeof(p), "%s/modules.order", tmp);
	if (write_file(p, order, olen))
		return -1;
	snprintf(p, sizeof(p), "%s/init", tmp);
	if (write_file(p, vm_init_sh, strlen(vm_init_sh)) || chmod(p, 0755))
		return -1;
	return 0;
}

static void rm_rf(char *dir)
{
	char *rm[] = { "rm", "-rf", dir, NULL };

	run_quiet(rm, NULL, 0);
}

/* Packs TMP, with busybox, into the initramfs at PATH */
static int pack_cpio(char *tmp, char *path)
{
	char cmd[] = "cp " BUSYBOX " \"$1/bin/busybox\" && cd \"$1\" && "
		     "find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 "
		     "--reproducible --quiet | gzip -9n >\"$2.tmp.$$\" && "
		     "mv \"$2.tmp.$$\" \"$2\"";
	char *argv[] = { "sh", "-c", cmd, "cpio", tmp, path, NULL };

	return run_quiet(argv, NULL, 0);
}

int vm_initramfs(const struct vm_kernel *k, const char *cache, char *path,
		 size_t len, char **mods, char *why, size_t wlen)
{
	char tmp[4200], *list;
	uint64_t h = 0xcbf29ce484222325ULL;
	int ret, lock;

	*mods = NULL;
	if (!is_file(BUSYBOX)) {
		snprintf(why, wlen, "%s: missing (install busybox-static)",
			 BUSYBOX);
		return -1;
	}
	if (module_list(k, &list, why, wlen)) {
		free(list);
		return -1;
	}
	*mods = list;
	h = fnv(h, vm_init_sh, strlen(vm_init_sh));
	h = fnv_file(h, BUSYBOX);
	h = fnv(h, k->release, strlen(k->release));
	h = fnv(h, list, strlen(list));
	snprintf(path, len, "%s/initramfs-%016llx.cpio.gz", cache,
		 (unsigned long long)h);
	if (cached_ok(path))
		return 0;
	/*
	 * Guests of -j, or of a fleet's nodes on shared storage, start
	 * together: one builds, the others wait and find it sealed
	 */
	snprintf(tmp, sizeof(tmp), "%s/initramfs.lock", cache);
	lock = open(tmp, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (lock >= 0)
		flock(lock, LOCK_EX);
	if (cached_ok(path)) {
		if (lock >= 0)
			close(lock);
		return 0;
	}

	snprintf(tmp, sizeof(tmp), "%s/build.%d", cache, (int)getpid());
	if (stage_tree(tmp, *mods)) {
		snprintf(why, wlen, "cannot stage the initramfs in %s", tmp);
		rm_rf(tmp);
		if (lock >= 0)
			close(lock);
		return -1;
	}
	ret = pack_cpio(tmp, path);
	rm_rf(tmp);
	ret = ret || cached_seal(path);
	if (lock >= 0)
		close(lock);
	if (ret) {
		snprintf(why, wlen, "cannot build the initramfs (cpio, gzip)");
		return -1;
	}
	return 0;
}
