// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libmnl, loaded the first time netlink is used. hosttune is not linked
 * to it: mapping a shared object costs every run of every verb (0.047 ms
 * of hyperfine's 0.596 for an empty program linked to libc and libmnl,
 * README, Performance), and only the net domain talks netlink. Each
 * function netlink.c and checks/net use is defined here with libmnl.h's
 * own prototype (the compiler holds the two to each other) and calls
 * libmnl's through a pointer. Every pointer is looked up when the library
 * is opened, so a libmnl that lacks one is refused whole, at nl_open(),
 * as an error of the checks that needed it: never a half-loaded library.
 * The package depends on libmnl0 by name (debian/control), as
 * dpkg-shlibdeps cannot see a library that is not linked.
 */
#include <dlfcn.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hosttune/cli.h"
#include "hosttune/netlink.h"

#define LIBMNL_SONAME "libmnl.so.0"

/* F(return type, name, parameters, arguments); V: the same, void. */
#define MNL_FUNCTIONS(F, V)                                                    \
	F(void *, mnl_attr_get_payload, (const struct nlattr *attr), (attr))   \
	F(uint16_t, mnl_attr_get_payload_len, (const struct nlattr *attr),     \
	  (attr))                                                              \
	F(const char *, mnl_attr_get_str, (const struct nlattr *attr), (attr)) \
	F(uint16_t, mnl_attr_get_type, (const struct nlattr *attr), (attr))    \
	F(uint16_t, mnl_attr_get_u16, (const struct nlattr *attr), (attr))     \
	F(uint32_t, mnl_attr_get_u32, (const struct nlattr *attr), (attr))     \
	F(uint8_t, mnl_attr_get_u8, (const struct nlattr *attr), (attr))       \
	V(mnl_attr_nest_end, (struct nlmsghdr * nlh, struct nlattr * start),   \
	  (nlh, start))                                                        \
	F(struct nlattr *, mnl_attr_nest_start,                                \
	  (struct nlmsghdr * nlh, uint16_t type), (nlh, type))                 \
	F(struct nlattr *, mnl_attr_nest_start_check,                          \
	  (struct nlmsghdr * nlh, size_t buflen, uint16_t type),               \
	  (nlh, buflen, type))                                                 \
	F(struct nlattr *, mnl_attr_next, (const struct nlattr *attr), (attr)) \
	F(bool, mnl_attr_ok, (const struct nlattr *attr, int len),             \
	  (attr, len))                                                         \
	F(int, mnl_attr_parse,                                                 \
	  (const struct nlmsghdr *nlh, unsigned int offset, mnl_attr_cb_t cb,  \
	   void *data),                                                        \
	  (nlh, offset, cb, data))                                             \
	F(int, mnl_attr_parse_nested,                                          \
	  (const struct nlattr *attr, mnl_attr_cb_t cb, void *data),           \
	  (attr, cb, data))                                                    \
	F(bool, mnl_attr_put_check,                                            \
	  (struct nlmsghdr * nlh, size_t buflen, uint16_t type, size_t len,    \
	   const void *data),                                                  \
	  (nlh, buflen, type, len, data))                                      \
	V(mnl_attr_put_strz,                                                   \
	  (struct nlmsghdr * nlh, uint16_t type, const char *data),            \
	  (nlh, type, data))                                                   \
	F(bool, mnl_attr_put_strz_check,                                       \
	  (struct nlmsghdr * nlh, size_t buflen, uint16_t type,                \
	   const char *data),                                                  \
	  (nlh, buflen, type, data))                                           \
	V(mnl_attr_put_u32,                                                    \
	  (struct nlmsghdr * nlh, uint16_t type, uint32_t data),               \
	  (nlh, type, data))                                                   \
	V(mnl_attr_put_u8,                                                     \
	  (struct nlmsghdr * nlh, uint16_t type, uint8_t data),                \
	  (nlh, type, data))                                                   \
	F(int, mnl_attr_validate,                                              \
	  (const struct nlattr *attr, enum mnl_attr_data_type type),           \
	  (attr, type))                                                        \
	F(void *, mnl_nlmsg_get_payload, (const struct nlmsghdr *nlh), (nlh))  \
	F(size_t, mnl_nlmsg_get_payload_len, (const struct nlmsghdr *nlh),     \
	  (nlh))                                                               \
	F(void *, mnl_nlmsg_put_extra_header,                                  \
	  (struct nlmsghdr * nlh, size_t size), (nlh, size))                   \
	F(struct nlmsghdr *, mnl_nlmsg_put_header, (void *buf), (buf))         \
	F(size_t, mnl_nlmsg_size, (size_t len), (len))                         \
	F(int, mnl_socket_bind,                                                \
	  (struct mnl_socket * nl, unsigned int groups, pid_t pid),            \
	  (nl, groups, pid))                                                   \
	F(int, mnl_socket_close, (struct mnl_socket * nl), (nl))               \
	F(int, mnl_socket_get_fd, (const struct mnl_socket *nl), (nl))         \
	F(unsigned int, mnl_socket_get_portid, (const struct mnl_socket *nl),  \
	  (nl))                                                                \
	F(struct mnl_socket *, mnl_socket_open2, (int bus, int flags),         \
	  (bus, flags))                                                        \
	F(ssize_t, mnl_socket_sendto,                                          \
	  (const struct mnl_socket *nl, const void *req, size_t siz),          \
	  (nl, req, siz))                                                      \
	F(int, mnl_socket_setsockopt,                                          \
	  (const struct mnl_socket *nl, int type, void *buf, socklen_t len),   \
	  (nl, type, buf, len))

/* The X-macros paste a declarator and a parameter list, which
 * parentheses around the arguments would break. */
/* NOLINTBEGIN(bugprone-macro-parentheses) */
#define POINTER(ret, name, params, args) ret(*name) params;
#define VOID_POINTER(name, params, args) void(*name) params;

static struct {
	MNL_FUNCTIONS(POINTER, VOID_POINTER)
} mnl;

/* The process's, as the loader's own tables are, not a run's: a library
 * is mapped once whatever the runs. 0 not tried, 1 loaded, -1 failed. */
static int loaded;

#define LOOKUP(name)                                \
	do {                                        \
		void *p_ = dlsym(lib, #name);       \
		if (!p_)                            \
			goto fail;                  \
		memcpy(&mnl.name, &p_, sizeof(p_)); \
	} while (0)
#define LOOKUP_F(ret, name, params, args) LOOKUP(name);
#define LOOKUP_V(name, params, args) LOOKUP(name);

int nl_library_load(void)
{
	void *lib;

	if (loaded)
		return loaded > 0 ? 0 : -ELIBACC;
	loaded = -1;
	lib = dlopen(LIBMNL_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (!lib)
		goto fail;
	MNL_FUNCTIONS(LOOKUP_F, LOOKUP_V)
	loaded = 1;
	return 0;
fail:
	/* once: the checks that needed it report ELIBACC each */
	fprintf(stderr, "hosttune: %s\n", dlerror());
	if (lib)
		dlclose(lib);
	return -ELIBACC;
}

/* Past nl_open(), which loads the library or fails, this never exits;
 * it is for the code that parses recorded replies (tests, fuzzers). */
static void need_library(void)
{
	if (loaded <= 0 && nl_library_load() < 0) {
		fprintf(stderr, "hosttune: netlink needs %s\n", LIBMNL_SONAME);
		exit(EXIT_RUNTIME);
	}
}

/* Weak: a unit test may define one of its own in front of libmnl's
 * (test_netlink fakes mnl_socket_sendto), as it could when hosttune was
 * linked to the library. */
#define WRAPPER(ret, name, params, args)      \
	__attribute__((weak)) ret name params \
	{                                     \
		need_library();               \
		return mnl.name args;         \
	}
#define VOID_WRAPPER(name, params, args)       \
	__attribute__((weak)) void name params \
	{                                      \
		need_library();                \
		mnl.name args;                 \
	}

MNL_FUNCTIONS(WRAPPER, VOID_WRAPPER)
/* NOLINTEND(bugprone-macro-parentheses) */
