// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The floor of the benchmarks (make bench): the least a program can do to
 * produce what hosttune reads, and nothing else. No stdio, no allocation:
 * the system calls that cannot be avoided and one write of the result.
 *
 *   floor sysctl KEY...   read /proc/sys/KEY (dotted, as sysctl -n takes it),
 *                         each key's directory opened once for the keys in
 *                         it that follow each other, as hosttune keeps it
 *   floor walk [FILE...]  read every readable, writable file below /proc/sys
 *                         (a getdents64 walk on open descriptors), as
 *                         snapshot --all must, then each FILE (the cpu,
 *                         numa and block values it saves too), and write
 *                         them to stdout
 *   floor mount PATH      the mountinfo line of the top mount at PATH
 *   floor links           one RTM_GETLINK dump: every link's name, MTU and
 *                         queue length
 *   floor mkmounts DIR FROM N   (setup) N tmpfs mounts DIR/mFROM...
 *   floor limits PID...   read /proc/PID/limits of each
 *
 * Built static by `make bench`, so no dynamic loader runs either. No
 * stdio on the measured paths (snprintf only in the mkmounts setup).
 *
 * Values are read into a page-sized buffer, again while one fills it. The
 * size of a read is not free: procfs allocates and zeroes a kernel buffer
 * of the size asked (proc_sys_call_handler), so a 64 KiB read costs about
 * 2.3 us more a key than a 4 KiB one (0.23 ms over 100 keys, measured
 * side by side), and a floor that reads 64 KiB is no floor.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static char out[1 << 22];
static size_t out_len;

static void emit(const char *s, size_t n)
{
	if (out_len + n > sizeof(out)) {
		if (write(1, out, out_len) < 0)
			_exit(3);
		out_len = 0;
	}
	memcpy(out + out_len, s, n);
	out_len += n;
}

/* Read an open file to the end into the output, after prefix (when
 * given) and only if something was read: one read for a value shorter
 * than a page (a sysctl answers a whole value to one read). */
static void read_out(int fd, const char *prefix, size_t prefix_len)
{
	char buf[4096];
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		if (prefix) {
			emit(prefix, prefix_len);
			emit(" = ", 3);
			prefix = NULL;
		}
		emit(buf, (size_t)n);
		if ((size_t)n < sizeof(buf))
			break;
	}
}

/* One open, the read, one close. */
static int read_at(int dirfd, const char *path)
{
	int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	read_out(fd, NULL, 0);
	close(fd);
	return 0;
}

static int do_sysctl(int argc, char **argv)
{
	char path[4096], dir[4096] = "";
	int dirfd = -1;

	for (int i = 0; i < argc; i++) {
		size_t k = strlen(argv[i]);
		char *leaf;

		if (k + 10 >= sizeof(path))
			return 2;
		memcpy(path, "/proc/sys/", 10);
		for (size_t j = 0; j <= k; j++)
			path[10 + j] = argv[i][j] == '.' ? '/' : argv[i][j];
		leaf = strrchr(path, '/');
		*leaf++ = '\0';
		if (strcmp(dir, path)) {
			if (dirfd >= 0)
				close(dirfd);
			dirfd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
			memcpy(dir, path, (size_t)(leaf - path));
		}
		read_at(dirfd, leaf);
	}
	if (dirfd >= 0)
		close(dirfd);
	return 0;
}

/* Depth-first over one directory's entries: d_type says directory or
 * file, so nothing is stat'ed to walk; each file is opened once and its
 * mode (read-only keys are not snapshot) taken from that descriptor.
 * The deprecated neighbour keys that snapshot --all and sysctl -a leave
 * out (base_reachable_time, retrans_time) are left out here too. */
static void walk(int dirfd, char *path, size_t len)
{
	char ents[32768];
	long n;

	while ((n = syscall(SYS_getdents64, dirfd, ents, sizeof(ents))) > 0) {
		for (long off = 0; off < n;) {
			struct dirent64 *d = (struct dirent64 *)(ents + off);
			size_t nl = strlen(d->d_name);
			struct stat st;
			int fd;

			off += d->d_reclen;
			if (d->d_name[0] == '.' || len + nl + 2 > 4096)
				continue;
			if (d->d_type != DT_DIR &&
			    (!strcmp(d->d_name, "base_reachable_time") ||
			     !strcmp(d->d_name, "retrans_time")))
				continue;
			path[len] = '/';
			memcpy(path + len + 1, d->d_name, nl + 1);
			if (d->d_type == DT_DIR) {
				fd = openat(dirfd, d->d_name,
					    O_RDONLY | O_DIRECTORY | O_CLOEXEC);
				if (fd >= 0) {
					walk(fd, path, len + 1 + nl);
					close(fd);
				}
				continue;
			}
			fd = openat(dirfd, d->d_name, O_RDONLY | O_CLOEXEC);
			if (fd < 0)
				continue;
			/* a key that fails its read (an unset stable_secret
			 * answers EIO) is left out, as hosttune leaves it */
			if (fstat(fd, &st) == 0 && (st.st_mode & 0222))
				read_out(fd, path, len + 1 + nl);
			close(fd);
		}
	}
}

/* The walk, then each FILE given (the cpu, numa and block values that
 * snapshot --all saves besides the sysctls: bench.py names those
 * hosttune reads), each opened by its path, its type taken from the
 * descriptor, read and closed. */
static int do_walk(int argc, char **argv)
{
	char path[4096] = "";
	int fd = open("/proc/sys", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct stat st;

	if (fd < 0)
		return 1;
	walk(fd, path, 0);
	close(fd);
	for (int i = 0; i < argc; i++) {
		fd = open(argv[i], O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
			read_out(fd, argv[i], strlen(argv[i]));
		close(fd);
	}
	return 0;
}

/* mountinfo is a seq_file: read until end of file. */
static int read_all(const char *path, char *buf, size_t cap, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	*len = 0;
	while ((n = read(fd, buf + *len, cap - *len)) > 0)
		*len += (size_t)n;
	close(fd);
	return n < 0 ? -1 : 0;
}

static char table[64 << 20];

/* The last line whose mount point (field 5) is PATH: the top of the
 * stack, as findmnt shows it. */
static int do_mount(const char *target)
{
	size_t len, tl = strlen(target);
	const char *hit = NULL, *hit_end = NULL;

	if (read_all("/proc/self/mountinfo", table, sizeof(table), &len) < 0)
		return 1;
	for (const char *p = table; p < table + len;) {
		const char *e = memchr(p, '\n', (size_t)(table + len - p));
		const char *f = p;

		e = e ? e : table + len;
		for (int i = 0; i < 4 && f < e; i++) {
			f = memchr(f, ' ', (size_t)(e - f));
			f = f ? f + 1 : e;
		}
		if ((size_t)(e - f) > tl && !memcmp(f, target, tl) &&
		    f[tl] == ' ') {
			hit = p;
			hit_end = e;
		}
		p = e + 1;
	}
	if (!hit)
		return 1;
	emit(hit, (size_t)(hit_end - hit + 1));
	return 0;
}

/* One RTM_GETLINK dump, as `ip -o link show` makes: a request and the
 * replies, names, MTUs and queue lengths taken from them. */
static int do_links(void)
{
	struct {
		struct nlmsghdr nh;
		struct ifinfomsg ifi;
	} req = {
		.nh = { .nlmsg_len = sizeof(req),
			.nlmsg_type = RTM_GETLINK,
			.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP,
			.nlmsg_seq = 1 },
	};
	static char buf[1 << 16];
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	ssize_t n;

	if (fd < 0 || send(fd, &req, sizeof(req), 0) < 0)
		return 1;
	while ((n = recv(fd, buf, sizeof(buf), 0)) > 0) {
		for (struct nlmsghdr *h = (struct nlmsghdr *)buf;
		     NLMSG_OK(h, (size_t)n); h = NLMSG_NEXT(h, n)) {
			struct ifinfomsg *ifi = NLMSG_DATA(h);
			int len = (int)IFLA_PAYLOAD(h);

			if (h->nlmsg_type == NLMSG_DONE) {
				close(fd);
				return 0;
			}
			if (h->nlmsg_type == NLMSG_ERROR)
				return 1;
			for (struct rtattr *a = IFLA_RTA(ifi); RTA_OK(a, len);
			     a = RTA_NEXT(a, len)) {
				if (a->rta_type == IFLA_IFNAME)
					emit(RTA_DATA(a),
					     strnlen(RTA_DATA(a),
						     RTA_PAYLOAD(a)));
				else if (a->rta_type == IFLA_MTU ||
					 a->rta_type == IFLA_TXQLEN)
					emit(" ", 1);
			}
			emit("\n", 1);
		}
	}
	close(fd);
	return 1;
}

/* Make n tmpfs mounts dir/FROM..dir/FROM+n-1 (setup for the mount rows,
 * not a floor: mount(8) once per mount would take minutes). */
static int do_mkmounts(const char *dir, const char *from, const char *count)
{
	char path[4096];
	long a = strtol(from, NULL, 10), n = strtol(count, NULL, 10);

	for (long i = a; i < a + n; i++) {
		snprintf(path, sizeof(path), "%s/m%ld", dir, i);
		if ((mkdir(path, 0755) < 0 && errno != EEXIST) ||
		    mount("bench", path, "tmpfs", 0, "size=4k") < 0)
			return 1;
	}
	return 0;
}

static int do_limits(int argc, char **argv)
{
	char path[64];

	for (int i = 0; i < argc; i++) {
		if (strlen(argv[i]) > 20)
			return 2;
		memcpy(path, "/proc/", 6);
		strcpy(path + 6, argv[i]);
		strcat(path, "/limits");
		read_at(AT_FDCWD, path);
	}
	return 0;
}

int main(int argc, char **argv)
{
	int r = 2;

	if (argc < 2)
		return 2;
	if (!strcmp(argv[1], "sysctl"))
		r = do_sysctl(argc - 2, argv + 2);
	else if (!strcmp(argv[1], "walk"))
		r = do_walk(argc - 2, argv + 2);
	else if (!strcmp(argv[1], "mount") && argc == 3)
		r = do_mount(argv[2]);
	else if (!strcmp(argv[1], "links"))
		r = do_links();
	else if (!strcmp(argv[1], "mkmounts") && argc == 5)
		return do_mkmounts(argv[2], argv[3], argv[4]);
	else if (!strcmp(argv[1], "limits"))
		r = do_limits(argc - 2, argv + 2);
	if (out_len && write(1, out, out_len) < 0)
		return 3;
	return r;
}
