/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HOSTTUNE_NETLINK_H
#define HOSTTUNE_NETLINK_H

/*
 * The netlink layer, on libmnl: every netlink socket hosttune opens goes
 * through here. It is defensive in the ways the kernel expects of a
 * careful client: extended acks on (the kernel's own error text reaches
 * the caller), strict checking of requests, a fresh sequence number per
 * request, replies read into a dump-sized buffer, stale or foreign
 * messages dropped, dumps retried when the kernel marks them interrupted,
 * unknown attributes skipped (the kernel may be newer than we are) and
 * known ones validated before use.
 */
#include <libmnl/libmnl.h>
#include <stdbool.h>
#include <stdint.h>

/* Replies are read into this much: libmnl 1.0.4 has no
 * MNL_SOCKET_DUMP_SIZE; the kernel fills dump skbs up to 32 KiB. */
#define NL_DUMP_BUFFER (32 * 1024)
/* Requests are built in a buffer of this size (ours are all small). */
#define NL_REQUEST_BUFFER 4096
/* An interrupted dump is tried this many times in all. */
#define NL_DUMP_TRIES 5

struct nl_sock;

/* Load libmnl (src/mnl_lazy.c): 0, or -ELIBACC with the loader's
 * reason printed once. nl_open() does it first. */
int nl_library_load(void);
/* Open a socket on bus (NETLINK_ROUTE, NETLINK_GENERIC). 0 or -errno
 * (-ELIBACC: libmnl could not be loaded). */
int nl_open(int bus, struct nl_sock **ret);
void nl_close(struct nl_sock *s);

/* Start a request in buf (NL_REQUEST_BUFFER bytes) with a zeroed family
 * header of hdrlen bytes, returned in *ret_hdr when not NULL. */
struct nlmsghdr *nl_msg_new(void *buf, uint16_t type, uint16_t flags,
			    size_t hdrlen, void **ret_hdr);
/* Start a generic netlink request for family/cmd. */
struct nlmsghdr *nl_genl_msg_new(void *buf, uint16_t family, uint8_t cmd,
				 uint8_t version, uint16_t flags);

/* Called for each reply message of the request: 0 to go on, -errno to
 * fail the request (the rest of the reply is still read and dropped). */
typedef int (*nl_reply_cb)(const struct nlmsghdr *nlh, void *data);

/* Send nlh (NLM_F_REQUEST | NLM_F_ACK added, sequence number filled in)
 * and read every reply up to the kernel's ack. Returns 0 or -errno; on a
 * kernel error with a message (NLMSGERR_ATTR_MSG) *ret_msg is set to it
 * (caller frees) when ret_msg is not NULL. */
int nl_request(struct nl_sock *s, struct nlmsghdr *nlh, nl_reply_cb cb,
	       void *data, char **ret_msg);
/* As nl_request, for a dump (NLM_F_DUMP added). When the kernel flags
 * the dump interrupted (NLM_F_DUMP_INTR: the table changed while being
 * read) reset(data) is called and the dump starts over; -EAGAIN after
 * NL_DUMP_TRIES. */
int nl_dump(struct nl_sock *s, struct nlmsghdr *nlh, nl_reply_cb cb,
	    void (*reset)(void *data), void *data, char **ret_msg);

/* Is there a whole message at nlh within len bytes (its nlmsg_len at least
 * a header and at most len)? */
bool nl_msg_ok(const struct nlmsghdr *nlh, size_t len);

/* Parse the attributes of nlh after offset bytes of family header (or of
 * a nest) into tb[0..max]. policy[type] is the expected mnl type;
 * MNL_TYPE_UNSPEC and types above max are skipped (unknown to us), the
 * rest are validated with mnl_attr_validate. tb is cleared first.
 * 0 or -EBADMSG for a malformed known attribute. */
int nl_attr_parse(const struct nlmsghdr *nlh, size_t offset,
		  const enum mnl_attr_data_type *policy, uint16_t max,
		  const struct nlattr **tb);
int nl_attr_parse_nested(const struct nlattr *nest,
			 const enum mnl_attr_data_type *policy, uint16_t max,
			 const struct nlattr **tb);

/* An NLMSG_ERROR (or NLMSG_DONE) message: the -errno it carries (0 for
 * an ack) and, when ret_msg is not NULL and the kernel attached one, its
 * extended-ack text. -EBADMSG if the message is malformed. */
int nl_parse_error(const struct nlmsghdr *nlh, char **ret_msg);

/* A generic netlink family, resolved with CTRL_CMD_GETFAMILY, and the
 * operations this kernel implements (CTRL_ATTR_OPS). */
struct nl_family {
	uint16_t id;
	uint32_t version;
	uint32_t ops[256 / 32]; /* bit set for each command the kernel has */
};
/* -ENOENT when the kernel has no such family. */
int nl_genl_resolve(struct nl_sock *s, const char *name, struct nl_family *ret,
		    char **ret_msg);
/* The parsing half of nl_genl_resolve, on a CTRL_CMD_NEWFAMILY reply. */
int nl_genl_parse_family(const struct nlmsghdr *nlh, struct nl_family *ret);
bool nl_family_has_op(const struct nl_family *f, unsigned cmd);

#endif
