// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The netlink layer: extended acks, attribute validation and generic
 * netlink family parsing against replies recorded from a real kernel
 * (tests/fixtures/net-replies, see record.c there), and the reply loop
 * (stale messages, interrupted dumps, errors mid-dump) against a fake
 * kernel. The fake replaces libmnl's send and receive in this binary: a
 * definition here wins over the shared library's at link time, and
 * dlsym(RTLD_NEXT) reaches the real ones for the tests that ask the
 * running kernel (read-only requests in the test's own namespace).
 */
#include <dlfcn.h>
#include <errno.h>
#include <linux/ethtool_netlink.h>
#include <linux/genetlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <string.h>

#include "unit.h"

#include "hosttune/netlink.h"

/* ---- recorded replies ---- */

struct blob {
	char *data;
	size_t len;
};

static struct blob load(const char *name)
{
	char *path = xasprintf("%s/net-replies/%s", fixtures_dir(), name);
	struct blob b = { 0 };

	assert_int_equal(read_file_limited(path, 1 << 20, &b.data, &b.len), 0);
	free(path);
	return b;
}

/* The first message of type type in a recorded reply. */
static const struct nlmsghdr *find_msg(const struct blob *b, uint16_t type)
{
	const struct nlmsghdr *nlh = (const void *)b->data;
	int len = (int)b->len;

	for (; mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len))
		if (nlh->nlmsg_type == type)
			return nlh;
	fail_msg("no message of type %u", type);
	return NULL;
}

/* ---- the fake kernel ---- */

#define FAKE_MAX 16

static struct {
	bool on;
	struct blob dgram[FAKE_MAX]; /* what each recv returns, in order */
	bool stale[FAKE_MAX]; /* answer an earlier sequence number */
	uint32_t sender[FAKE_MAX]; /* the port it comes from: 0, the kernel */
	int n, next;
	uint32_t seq; /* of the last request sent */
	int sent;
} fake;

typedef ssize_t (*sendto_fn)(const struct mnl_socket *, const void *, size_t);
typedef ssize_t (*recvmsg_fn)(int, struct msghdr *, int);

ssize_t mnl_socket_sendto(const struct mnl_socket *nl, const void *req,
			  size_t siz)
{
	static sendto_fn real;

	if (!fake.on) {
		if (!real)
			real = (sendto_fn)dlsym(RTLD_NEXT, "mnl_socket_sendto");
		return real(nl, req, siz);
	}
	fake.seq = ((const struct nlmsghdr *)req)->nlmsg_seq;
	fake.sent++;
	return (ssize_t)siz;
}

/* The netlink layer reads with recvmsg (to see the sender): this binary's
 * recvmsg answers with the queued datagrams, sent by the kernel (port 0)
 * unless a test says otherwise. */
ssize_t recvmsg(int fd, struct msghdr *msg, int flags)
{
	static recvmsg_fn real;
	struct sockaddr_nl *addr = msg->msg_name;
	struct nlmsghdr *nlh;
	size_t len;

	if (!fake.on) {
		if (!real)
			real = (recvmsg_fn)dlsym(RTLD_NEXT, "recvmsg");
		return real(fd, msg, flags);
	}
	if (fake.next >= fake.n) {
		errno = EAGAIN;
		return -1;
	}
	len = fake.dgram[fake.next].len;
	assert_true(len <= msg->msg_iov[0].iov_len);
	memcpy(msg->msg_iov[0].iov_base, fake.dgram[fake.next].data, len);
	/* Addressed as the kernel addresses replies: to this request. */
	nlh = msg->msg_iov[0].iov_base;
	for (size_t left = len; nl_msg_ok(nlh, left);) {
		size_t step = NLMSG_ALIGN(nlh->nlmsg_len);

		nlh->nlmsg_seq = fake.stale[fake.next] ? fake.seq - 1 :
							 fake.seq;
		nlh->nlmsg_pid = 0;
		if (step >= left)
			break;
		left -= step;
		nlh = (struct nlmsghdr *)((char *)nlh + step);
	}
	memset(addr, 0, sizeof(*addr));
	addr->nl_family = AF_NETLINK;
	addr->nl_pid = fake.sender[fake.next];
	msg->msg_namelen = sizeof(*addr);
	msg->msg_flags = 0;
	return (ssize_t)fake.dgram[fake.next++].len;
}

static void fake_reset(void)
{
	for (int i = 0; i < fake.n; i++)
		free(fake.dgram[i].data);
	memset(&fake, 0, sizeof(fake));
	fake.on = true;
}

/* Queue one datagram of messages built by the test. */
static void fake_push(const void *data, size_t len, bool stale)
{
	assert_true(fake.n < FAKE_MAX);
	fake.dgram[fake.n].data = xmalloc(len);
	memcpy(fake.dgram[fake.n].data, data, len);
	fake.dgram[fake.n].len = len;
	fake.stale[fake.n++] = stale;
}

/* A datagram builder: messages appended back to back. */
struct dgram {
	char buf[8192];
	size_t len;
};

static struct nlmsghdr *dgram_msg(struct dgram *d, uint16_t type,
				  uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(d->buf + d->len);

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	return nlh;
}

static void dgram_end(struct dgram *d, struct nlmsghdr *nlh)
{
	d->len += MNL_ALIGN(nlh->nlmsg_len);
}

/* An RTM_NEWLINK carrying just a name, as a dump part. */
static void dgram_link(struct dgram *d, const char *name, uint16_t flags)
{
	struct nlmsghdr *nlh = dgram_msg(d, RTM_NEWLINK, NLM_F_MULTI | flags);

	mnl_nlmsg_put_extra_header(nlh, sizeof(struct ifinfomsg));
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	dgram_end(d, nlh);
}

static void dgram_done(struct dgram *d, uint16_t flags)
{
	struct nlmsghdr *nlh = dgram_msg(d, NLMSG_DONE, NLM_F_MULTI | flags);
	int *err = mnl_nlmsg_put_extra_header(nlh, sizeof(int));

	*err = 0;
	dgram_end(d, nlh);
}

static void dgram_ack(struct dgram *d, int error)
{
	struct nlmsghdr *nlh = dgram_msg(d, NLMSG_ERROR, NLM_F_CAPPED);
	struct nlmsgerr *e = mnl_nlmsg_put_extra_header(nlh, sizeof(*e));

	e->error = error;
	e->msg.nlmsg_len = sizeof(struct nlmsghdr);
	dgram_end(d, nlh);
}

struct names {
	int n, resets;
	char last[IFNAMSIZ];
	int fail_at; /* return -EIO from this message on (0: never) */
};

static int names_cb(const struct nlmsghdr *nlh, void *data)
{
	const enum mnl_attr_data_type pol[IFLA_IFNAME + 1] = {
		[IFLA_IFNAME] = MNL_TYPE_NUL_STRING,
	};
	const struct nlattr *tb[IFLA_IFNAME + 1];
	struct names *n = data;

	if (nl_attr_parse(nlh, sizeof(struct ifinfomsg), pol, IFLA_IFNAME, tb) <
		    0 ||
	    !tb[IFLA_IFNAME])
		return -EBADMSG;
	n->n++;
	snprintf(n->last, sizeof(n->last), "%s",
		 mnl_attr_get_str(tb[IFLA_IFNAME]));
	return n->fail_at && n->n >= n->fail_at ? -EIO : 0;
}

static void names_reset(void *data)
{
	struct names *n = data;

	n->n = 0;
	n->resets++;
}

static struct nl_sock *fake_sock(void)
{
	struct nl_sock *s = NULL;

	/* A real socket (opening one needs no privilege); only its
	 * traffic is faked. */
	assert_int_equal(nl_open(NETLINK_ROUTE, &s), 0);
	fake_reset();
	return s;
}

static void fake_done(struct nl_sock *s)
{
	nl_close(s);
	fake_reset();
	fake.on = false;
}

static struct nlmsghdr *getlink(char *buf)
{
	struct nlmsghdr *nlh =
		nl_msg_new(buf, RTM_GETLINK, 0, sizeof(struct ifinfomsg), NULL);

	return nlh;
}

/* ---- extended acks ---- */

static void test_ext_ack_message(void **state)
{
	struct blob b = load("mtu-refused.bin");
	const struct nlmsghdr *nlh = find_msg(&b, NLMSG_ERROR);
	char *msg = NULL;

	(void)state;
	assert_int_equal(nl_parse_error(nlh, &msg), -EINVAL);
	assert_non_null(msg);
	assert_string_equal(msg, "mtu greater than device maximum");
	free(msg);
	/* Without a place for it, only the error. */
	assert_int_equal(nl_parse_error(nlh, NULL), -EINVAL);
	free(b.data);
}

static void test_ext_ack_ethtool(void **state)
{
	struct blob b = load("channels-refused.bin");
	char *msg = NULL;

	(void)state;
	assert_int_equal(nl_parse_error(find_msg(&b, NLMSG_ERROR), &msg),
			 -EINVAL);
	assert_non_null(msg);
	assert_string_equal(msg, "requested channel count exceeds maximum");
	free(msg);
	free(b.data);
}

static void test_error_without_text(void **state)
{
	struct blob b = load("rings-va0.bin");
	char *msg = NULL;

	(void)state;
	/* veth has no rings: EOPNOTSUPP, and nothing more to say. */
	assert_int_equal(nl_parse_error(find_msg(&b, NLMSG_ERROR), &msg),
			 -EOPNOTSUPP);
	assert_null(msg);
	free(b.data);
}

static void test_ack_done_and_malformed(void **state)
{
	struct dgram d = { 0 };
	struct nlmsghdr *nlh;
	char *msg = NULL;

	(void)state;
	dgram_ack(&d, 0);
	assert_int_equal(nl_parse_error((void *)d.buf, &msg), 0);
	assert_null(msg);

	d.len = 0;
	dgram_done(&d, 0);
	assert_int_equal(nl_parse_error((void *)d.buf, &msg), 0);

	/* An NLMSG_DONE with no payload (old kernels): the end. */
	nlh = mnl_nlmsg_put_header(d.buf);
	nlh->nlmsg_type = NLMSG_DONE;
	assert_int_equal(nl_parse_error(nlh, &msg), 0);

	/* An error message cut short, or a positive "errno". */
	nlh->nlmsg_type = NLMSG_ERROR;
	assert_int_equal(nl_parse_error(nlh, &msg), -EBADMSG);
	d.len = 0;
	dgram_ack(&d, 5);
	assert_int_equal(nl_parse_error((void *)d.buf, &msg), -EBADMSG);
	assert_null(msg);
}

/* An ack whose TLV offset would run past the message is not trusted. */
static void test_ext_ack_bad_offset(void **state)
{
	struct dgram d = { 0 };
	struct nlmsghdr *nlh = dgram_msg(&d, NLMSG_ERROR, NLM_F_ACK_TLVS);
	struct nlmsgerr *e = mnl_nlmsg_put_extra_header(nlh, sizeof(*e));
	char *msg = NULL;

	(void)state;
	e->error = -EPERM;
	e->msg.nlmsg_len = 4000; /* not capped: claims the request follows */
	mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, "should not be read");
	assert_int_equal(nl_parse_error(nlh, &msg), -EPERM);
	assert_null(msg);
}

/* ---- attributes ---- */

enum { A_U32 = 1, A_UNKNOWN, A_STR, A_FLAG, A_NEST, A_MAX = A_NEST };

static const enum mnl_attr_data_type test_policy[A_MAX + 1] = {
	[A_U32] = MNL_TYPE_U32,
	[A_STR] = MNL_TYPE_NUL_STRING,
	[A_FLAG] = MNL_TYPE_FLAG,
	[A_NEST] = MNL_TYPE_NESTED,
};

static void test_attrs_unknown_skipped(void **state)
{
	char buf[NL_REQUEST_BUFFER];
	const struct nlattr *tb[A_MAX + 1];
	struct nlmsghdr *nlh = nl_genl_msg_new(buf, 42, 1, 1, 0);
	struct nlattr *nest;

	(void)state;
	mnl_attr_put_u32(nlh, A_U32, 7);
	mnl_attr_put_u16(nlh, A_UNKNOWN, 1); /* no policy: skipped */
	mnl_attr_put_u64(nlh, 200, 1); /* newer than us: skipped */
	mnl_attr_put_strz(nlh, A_STR, "va0");
	mnl_attr_put(nlh, A_FLAG, 0, NULL);
	nest = mnl_attr_nest_start(nlh, A_NEST);
	mnl_attr_put_u32(nlh, A_U32, 9);
	mnl_attr_nest_end(nlh, nest);
	assert_int_equal(
		nl_attr_parse(nlh, GENL_HDRLEN, test_policy, A_MAX, tb), 0);
	assert_int_equal(mnl_attr_get_u32(tb[A_U32]), 7);
	assert_null(tb[A_UNKNOWN]);
	assert_string_equal(mnl_attr_get_str(tb[A_STR]), "va0");
	assert_non_null(tb[A_FLAG]);
	assert_int_equal(
		nl_attr_parse_nested(tb[A_NEST], test_policy, A_MAX, tb), 0);
	assert_int_equal(mnl_attr_get_u32(tb[A_U32]), 9);
	assert_null(tb[A_STR]); /* cleared for the nest */
}

static void test_attrs_invalid(void **state)
{
	char buf[NL_REQUEST_BUFFER];
	const struct nlattr *tb[A_MAX + 1];
	struct nlmsghdr *nlh = nl_genl_msg_new(buf, 42, 1, 1, 0);

	(void)state;
	mnl_attr_put_u16(nlh, A_U32, 7); /* a u32 two bytes long */
	assert_int_equal(nl_attr_parse(nlh, GENL_HDRLEN, test_policy, A_MAX,
				       tb),
			 -EBADMSG);

	nlh = nl_genl_msg_new(buf, 42, 1, 1, 0);
	mnl_attr_put_str(nlh, A_STR, "abcd"); /* no NUL */
	assert_int_equal(nl_attr_parse(nlh, GENL_HDRLEN, test_policy, A_MAX,
				       tb),
			 -EBADMSG);

	nlh = nl_genl_msg_new(buf, 42, 1, 1, 0);
	mnl_attr_put_u32(nlh, A_FLAG, 1); /* a flag with a payload */
	assert_int_equal(nl_attr_parse(nlh, GENL_HDRLEN, test_policy, A_MAX,
				       tb),
			 -EBADMSG);

	/* A header longer than the message. */
	nlh = nl_genl_msg_new(buf, 42, 1, 1, 0);
	assert_int_equal(nl_attr_parse(nlh, 64, test_policy, A_MAX, tb),
			 -EBADMSG);
}

static void test_msg_building(void **state)
{
	char buf[NL_REQUEST_BUFFER];
	struct nlmsghdr *nlh = nl_genl_msg_new(buf, 0x15, 3, 1, NLM_F_ACK);
	struct genlmsghdr *g = mnl_nlmsg_get_payload(nlh);
	struct ifinfomsg *ifi;

	(void)state;
	assert_int_equal(nlh->nlmsg_type, 0x15);
	assert_int_equal(nlh->nlmsg_flags, NLM_F_ACK);
	assert_int_equal(nlh->nlmsg_len, NLMSG_HDRLEN + GENL_HDRLEN);
	assert_int_equal(g->cmd, 3);
	assert_int_equal(g->version, 1);

	nlh = nl_msg_new(buf, RTM_NEWLINK, 0, sizeof(*ifi), (void **)&ifi);
	assert_int_equal(nlh->nlmsg_len, NLMSG_HDRLEN + sizeof(*ifi));
	assert_ptr_equal(ifi, mnl_nlmsg_get_payload(nlh));
	assert_int_equal(ifi->ifi_index, 0);
}

/* ---- generic netlink ---- */

static void test_family_parse(void **state)
{
	struct blob b = load("ethtool-family.bin");
	struct nl_family f;

	(void)state;
	assert_int_equal(nl_genl_parse_family(find_msg(&b, GENL_ID_CTRL), &f),
			 0);
	assert_true(f.id >= GENL_MIN_ID);
	assert_int_equal(f.version, ETHTOOL_GENL_VERSION);
	assert_true(nl_family_has_op(&f, ETHTOOL_MSG_STRSET_GET));
	assert_true(nl_family_has_op(&f, ETHTOOL_MSG_FEATURES_GET));
	assert_true(nl_family_has_op(&f, ETHTOOL_MSG_FEATURES_SET));
	assert_true(nl_family_has_op(&f, ETHTOOL_MSG_CHANNELS_SET));
	assert_true(nl_family_has_op(&f, ETHTOOL_MSG_COALESCE_GET));
	assert_false(nl_family_has_op(&f, 0));
	assert_false(nl_family_has_op(&f, 255));
	assert_false(nl_family_has_op(&f, 1000));
	free(b.data);
}

static void test_family_missing(void **state)
{
	struct blob b = load("family-missing.bin");

	(void)state;
	assert_int_equal(nl_parse_error(find_msg(&b, NLMSG_ERROR), NULL),
			 -ENOENT);
	free(b.data);
}

static void test_family_without_id(void **state)
{
	char buf[NL_REQUEST_BUFFER];
	struct nlmsghdr *nlh =
		nl_genl_msg_new(buf, GENL_ID_CTRL, CTRL_CMD_NEWFAMILY, 2, 0);
	struct nl_family f = { .id = 99 };

	(void)state;
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, "ethtool");
	assert_int_equal(nl_genl_parse_family(nlh, &f), -EBADMSG);
	assert_int_equal(f.id, 99); /* untouched on failure */
}

/* ---- the reply loop, against the fake kernel ---- */

static void test_request_ext_ack(void **state)
{
	struct blob b = load("mtu-refused.bin");
	struct nl_sock *s = fake_sock();
	char buf[NL_REQUEST_BUFFER], *msg = NULL;

	(void)state;
	fake_push(b.data, b.len, false);
	assert_int_equal(nl_request(s, getlink(buf), NULL, NULL, &msg),
			 -EINVAL);
	assert_string_equal(msg, "mtu greater than device maximum");
	free(msg);
	free(b.data);
	fake_done(s);
}

/* A datagram another process sent to our port is not the kernel's
 * answer: dropped, and the kernel's read next. */
static void test_reply_from_another_process_is_dropped(void **state)
{
	struct blob b = load("mtu-refused.bin");
	struct nl_sock *s = fake_sock();
	char buf[NL_REQUEST_BUFFER], *msg = NULL;
	struct {
		struct nlmsghdr h;
		struct nlmsgerr e;
	} ack = { .h = { .nlmsg_len = sizeof(ack),
			 .nlmsg_type = NLMSG_ERROR } };

	(void)state;
	fake_push(&ack, sizeof(ack), false); /* "success", from a process */
	fake.sender[0] = 4242;
	fake_push(b.data, b.len, false);
	assert_int_equal(nl_request(s, getlink(buf), NULL, NULL, &msg),
			 -EINVAL);
	assert_string_equal(msg, "mtu greater than device maximum");
	free(msg);
	free(b.data);
	fake_done(s);
}

/* A message whose length claims more than the datagram holds is never
 * read past the end (libmnl 1.0.4's check takes 4 GiB for -1). */
static void test_message_longer_than_the_datagram_is_not_read(void **state)
{
	struct nlmsghdr h = { .nlmsg_len = 0xffffffffu, .nlmsg_type = 100 };
	char raw[64] = { 0 };

	(void)state;
	memcpy(raw, &h, sizeof(h));
	assert_false(nl_msg_ok((const struct nlmsghdr *)raw, sizeof(raw)));
	h.nlmsg_len = sizeof(raw) + 1;
	memcpy(raw, &h, sizeof(h));
	assert_false(nl_msg_ok((const struct nlmsghdr *)raw, sizeof(raw)));
	h.nlmsg_len = sizeof(raw);
	memcpy(raw, &h, sizeof(h));
	assert_true(nl_msg_ok((const struct nlmsghdr *)raw, sizeof(raw)));
	h.nlmsg_len = 8;
	memcpy(raw, &h, sizeof(h));
	assert_false(nl_msg_ok((const struct nlmsghdr *)raw, sizeof(raw)));
}

static void test_request_skips_stale(void **state)
{
	struct nl_sock *s = fake_sock();
	struct names n = { 0 };
	struct dgram d = { 0 }, old = { 0 };
	char buf[NL_REQUEST_BUFFER];

	(void)state;
	/* Leftovers of an earlier request come first and are dropped. */
	dgram_link(&old, "stale0", 0);
	dgram_ack(&old, -EIO);
	fake_push(old.buf, old.len, true);
	dgram_link(&d, "va0", 0);
	dgram_ack(&d, 0);
	fake_push(d.buf, d.len, false);
	assert_int_equal(nl_request(s, getlink(buf), names_cb, &n, NULL), 0);
	assert_int_equal(n.n, 1);
	assert_string_equal(n.last, "va0");
	fake_done(s);
}

static void test_dump_retried_when_interrupted(void **state)
{
	struct nl_sock *s = fake_sock();
	struct names n = { 0 };
	struct dgram a = { 0 }, b = { 0 }, c = { 0 };
	char buf[NL_REQUEST_BUFFER];

	(void)state;
	/* First try: the table changed under the dump. */
	dgram_link(&a, "va0", 0);
	dgram_link(&a, "vb0", NLM_F_DUMP_INTR);
	fake_push(a.buf, a.len, false);
	dgram_link(&b, "vc0", NLM_F_DUMP_INTR);
	dgram_done(&b, NLM_F_DUMP_INTR);
	fake_push(b.buf, b.len, false);
	/* Second: consistent. */
	dgram_link(&c, "va0", 0);
	dgram_link(&c, "vb0", 0);
	dgram_link(&c, "vc0", 0);
	dgram_done(&c, 0);
	fake_push(c.buf, c.len, false);
	assert_int_equal(
		nl_dump(s, getlink(buf), names_cb, names_reset, &n, NULL), 0);
	assert_int_equal(fake.sent, 2);
	assert_int_equal(n.resets, 1);
	assert_int_equal(n.n, 3);
	assert_string_equal(n.last, "vc0");
	fake_done(s);
}

static void test_dump_gives_up(void **state)
{
	struct nl_sock *s = fake_sock();
	struct names n = { 0 };
	char buf[NL_REQUEST_BUFFER];

	(void)state;
	for (int i = 0; i < NL_DUMP_TRIES; i++) {
		struct dgram d = { 0 };

		dgram_link(&d, "va0", NLM_F_DUMP_INTR);
		dgram_done(&d, NLM_F_DUMP_INTR);
		fake_push(d.buf, d.len, false);
	}
	assert_int_equal(nl_dump(s, getlink(buf), names_cb, names_reset, &n,
				 NULL),
			 -EAGAIN);
	assert_int_equal(fake.sent, NL_DUMP_TRIES);
	fake_done(s);
}

/* A callback's error ends the request, but the rest of the reply is
 * read, so the next request starts clean. */
static void test_dump_callback_error_drains(void **state)
{
	struct nl_sock *s = fake_sock();
	struct names n = { .fail_at = 1 };
	struct dgram a = { 0 }, b = { 0 }, c = { 0 };
	char buf[NL_REQUEST_BUFFER];

	(void)state;
	dgram_link(&a, "va0", 0);
	dgram_link(&a, "vb0", 0);
	fake_push(a.buf, a.len, false);
	dgram_link(&b, "vc0", 0);
	dgram_done(&b, 0);
	fake_push(b.buf, b.len, false);
	assert_int_equal(nl_dump(s, getlink(buf), names_cb, NULL, &n, NULL),
			 -EIO);
	assert_int_equal(n.n, 1); /* no callback after the failure */
	assert_int_equal(fake.next, 2);

	n = (struct names){ 0 };
	dgram_link(&c, "vd0", 0);
	dgram_done(&c, 0);
	fake_push(c.buf, c.len, false);
	assert_int_equal(nl_dump(s, getlink(buf), names_cb, NULL, &n, NULL), 0);
	assert_string_equal(n.last, "vd0");
	fake_done(s);
}

static void test_error_inside_dump(void **state)
{
	struct nl_sock *s = fake_sock();
	struct names n = { 0 };
	struct dgram d = { 0 };
	struct nlmsghdr *nlh;
	char buf[NL_REQUEST_BUFFER];
	char *msg = NULL;
	int *err;

	(void)state;
	dgram_link(&d, "va0", 0);
	nlh = dgram_msg(&d, NLMSG_DONE, NLM_F_MULTI | NLM_F_ACK_TLVS);
	err = mnl_nlmsg_put_extra_header(nlh, sizeof(int));
	*err = -EMSGSIZE;
	mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, "dump too big");
	dgram_end(&d, nlh);
	fake_push(d.buf, d.len, false);
	assert_int_equal(nl_dump(s, getlink(buf), names_cb, NULL, &n, &msg),
			 -EMSGSIZE);
	assert_string_equal(msg, "dump too big");
	free(msg);
	fake_done(s);
}

static void test_receive_error(void **state)
{
	struct nl_sock *s = fake_sock();
	char buf[NL_REQUEST_BUFFER];

	(void)state;
	/* Nothing queued: the fake's recv fails, and so does the request. */
	assert_int_equal(nl_request(s, getlink(buf), NULL, NULL, NULL),
			 -EAGAIN);
	fake_done(s);
}

/* ---- the running kernel (read-only, this namespace) ---- */

static int count_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
	int *loopbacks = data;

	if (ifi->ifi_flags & IFF_LOOPBACK)
		(*loopbacks)++;
	return 0;
}

static void test_kernel_link_dump(void **state)
{
	struct nl_sock *s = NULL;
	char buf[NL_REQUEST_BUFFER];
	int loopbacks = 0;

	(void)state;
	assert_int_equal(nl_open(NETLINK_ROUTE, &s), 0);
	assert_int_equal(
		nl_dump(s, getlink(buf), count_cb, NULL, &loopbacks, NULL), 0);
	assert_int_equal(loopbacks, 1);
	nl_close(s);
}

static void test_kernel_resolve(void **state)
{
	struct nl_sock *s = NULL;
	struct nl_family f;

	(void)state;
	assert_int_equal(nl_open(NETLINK_GENERIC, &s), 0);
	assert_int_equal(nl_genl_resolve(s, "nlctrl", &f, NULL), 0);
	assert_int_equal(f.id, GENL_ID_CTRL);
	assert_true(nl_family_has_op(&f, CTRL_CMD_GETFAMILY));
	assert_int_equal(nl_genl_resolve(s, "no-such-family", &f, NULL),
			 -ENOENT);
	nl_close(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ext_ack_message),
		cmocka_unit_test(test_ext_ack_ethtool),
		cmocka_unit_test(test_error_without_text),
		cmocka_unit_test(test_ack_done_and_malformed),
		cmocka_unit_test(test_ext_ack_bad_offset),
		cmocka_unit_test(test_attrs_unknown_skipped),
		cmocka_unit_test(test_attrs_invalid),
		cmocka_unit_test(test_msg_building),
		cmocka_unit_test(test_family_parse),
		cmocka_unit_test(test_family_missing),
		cmocka_unit_test(test_family_without_id),
		cmocka_unit_test(test_request_ext_ack),
		cmocka_unit_test(test_request_skips_stale),
		cmocka_unit_test(test_reply_from_another_process_is_dropped),
		cmocka_unit_test(
			test_message_longer_than_the_datagram_is_not_read),
		cmocka_unit_test(test_dump_retried_when_interrupted),
		cmocka_unit_test(test_dump_gives_up),
		cmocka_unit_test(test_dump_callback_error_drains),
		cmocka_unit_test(test_error_inside_dump),
		cmocka_unit_test(test_receive_error),
		cmocka_unit_test(test_kernel_link_dump),
		cmocka_unit_test(test_kernel_resolve),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
