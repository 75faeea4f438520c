// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What a page fault costs on this machine, the two kinds a short run of
 * hosttune takes: the first touch of an anonymous page (heap, stack: the
 * kernel clears a page) and the first touch of a file mapping already in
 * the page cache (text and read-only data: the kernel maps the 64 KiB
 * around the page, fault-around). The best of 50 rounds, so what is
 * printed is the cost, not the machine's noise. README, Performance.
 *
 *   cc -O2 -o /tmp/faultcost tests/bench/faultcost.c && /tmp/faultcost [FILE]
 *
 * FILE (default: libc.so.6) is mapped and touched once every 64 KiB.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define PAGES 4096
#define WINDOW (64 * 1024)

static double now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

int main(int argc, char **argv)
{
	const char *file = argc > 1 ? argv[1] :
				      "/usr/lib/x86_64-linux-gnu/libc.so.6";
	long page = sysconf(_SC_PAGESIZE);
	double anon = 1e18, filed = 1e18;
	struct stat st;
	int fd = open(file, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || fstat(fd, &st) < 0 || st.st_size < WINDOW) {
		perror(file);
		return 1;
	}
	for (int round = 0; round < 50; round++) {
		char *p = mmap(NULL, (size_t)PAGES * (size_t)page,
			       PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		volatile char *q;
		volatile char sum = 0;
		double t;

		if (p == MAP_FAILED)
			return 1;
		t = now_ns();
		for (long i = 0; i < PAGES; i++)
			p[i * page] = 1;
		t = now_ns() - t;
		if (t < anon)
			anon = t;
		munmap(p, (size_t)PAGES * (size_t)page);

		q = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd,
			 0);
		if (q == MAP_FAILED)
			return 1;
		t = now_ns();
		for (off_t off = 0; off < st.st_size; off += WINDOW)
			sum += q[off];
		t = now_ns() - t;
		if (t < filed)
			filed = t;
		munmap((void *)q, (size_t)st.st_size);
		(void)sum;
	}
	printf("anonymous page, first touch: %.0f ns\n", anon / PAGES);
	printf("file page in the page cache, first touch (maps 64 KiB): "
	       "%.0f ns\n",
	       filed / (double)((st.st_size + WINDOW - 1) / WINDOW));
	close(fd);
	return 0;
}
