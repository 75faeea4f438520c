// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The netlink layer on libmnl: sockets, requests and dumps, attribute
 * parsing, extended acks, and generic netlink family resolution. Modelled
 * on libmnl's examples/rtnl/rtnl-link-dump.c and callback.c, ethtool's
 * netlink/nlsock.c and iproute2's lib/mnl_utils.c; the reply loop is our
 * own so that stale messages, interrupted dumps and extended acks are all
 * handled in one place.
 */
#include <errno.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "hosttune/netlink.h"
#include "hosttune/util.h"

struct nl_sock {
	struct mnl_socket *mnl;
	uint32_t portid;
	uint32_t seq;
	char *buf; /* NL_DUMP_BUFFER bytes of reply */
};

/* Options a careful client sets; an older kernel may lack some, and we
 * work without them (only the quality of error messages suffers). */
static void nl_set_options(struct nl_sock *s)
{
	static const int opts[] = {
		NETLINK_EXT_ACK, /* the kernel's error text */
		NETLINK_CAP_ACK, /* acks without a copy of the request */
		NETLINK_GET_STRICT_CHK, /* malformed requests are refused */
	};
	int one = 1;

	for (size_t i = 0; i < ARRAY_SIZE(opts); i++)
		(void)mnl_socket_setsockopt(s->mnl, opts[i], &one, sizeof(one));
}

int nl_open(int bus, struct nl_sock **ret)
{
	struct nl_sock *s;
	int r = nl_library_load();

	if (r < 0)
		return r;
	s = xcalloc(1, sizeof(*s));
	s->mnl = mnl_socket_open2(bus, SOCK_CLOEXEC);
	if (!s->mnl) {
		r = -errno;
		free(s);
		return r;
	}
	if (mnl_socket_bind(s->mnl, 0, MNL_SOCKET_AUTOPID) < 0) {
		r = -errno;
		mnl_socket_close(s->mnl);
		free(s);
		return r;
	}
	nl_set_options(s);
	s->portid = mnl_socket_get_portid(s->mnl);
	s->seq = (uint32_t)time(NULL);
	s->buf = xmalloc(NL_DUMP_BUFFER);
	*ret = s;
	return 0;
}

void nl_close(struct nl_sock *s)
{
	if (!s)
		return;
	mnl_socket_close(s->mnl);
	free(s->buf);
	free(s);
}

struct nlmsghdr *nl_msg_new(void *buf, uint16_t type, uint16_t flags,
			    size_t hdrlen, void **ret_hdr)
{
	struct nlmsghdr *nlh;
	void *hdr;

	memset(buf, 0, NL_REQUEST_BUFFER);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	hdr = hdrlen ? mnl_nlmsg_put_extra_header(nlh, hdrlen) : NULL;
	if (ret_hdr)
		*ret_hdr = hdr;
	return nlh;
}

struct nlmsghdr *nl_genl_msg_new(void *buf, uint16_t family, uint8_t cmd,
				 uint8_t version, uint16_t flags)
{
	struct genlmsghdr *g;
	struct nlmsghdr *nlh =
		nl_msg_new(buf, family, flags, sizeof(*g), (void **)&g);

	g->cmd = cmd;
	g->version = version;
	return nlh;
}

/* The state of one request while its reply is read. */
struct nl_run {
	nl_reply_cb cb;
	void *data;
	int cb_err; /* first error a callback returned */
	bool interrupted; /* NLM_F_DUMP_INTR seen */
	char *msg; /* extended-ack text */
};

static int nl_send(struct nl_sock *s, struct nlmsghdr *nlh)
{
	nlh->nlmsg_seq = ++s->seq;
	nlh->nlmsg_pid = 0;
	if (mnl_socket_sendto(s->mnl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	return 0;
}

/* One message of a reply: 1 when it ends the reply, with *ret_err set. */
static int nl_handle_one(const struct nl_sock *s, const struct nlmsghdr *nlh,
			 uint32_t seq, struct nl_run *run, int *ret_err)
{
	/* Leftovers of an earlier request, or not from the kernel. */
	if (nlh->nlmsg_seq != seq ||
	    (nlh->nlmsg_pid && nlh->nlmsg_pid != s->portid))
		return 0;
	if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
		run->interrupted = true;
	switch (nlh->nlmsg_type) {
	case NLMSG_ERROR:
	case NLMSG_DONE:
		*ret_err = nl_parse_error(nlh, run->msg ? NULL : &run->msg);
		return 1;
	case NLMSG_OVERRUN:
		*ret_err = -EOVERFLOW;
		return 1;
	}
	if (nlh->nlmsg_type < NLMSG_MIN_TYPE)
		return 0; /* NLMSG_NOOP and reserved control types */
	if (run->cb_err == 0 && !run->interrupted && run->cb)
		run->cb_err = run->cb(nlh, run->data);
	return 0;
}

/* Read one datagram from the kernel. libmnl 1.0.4's recvfrom does not
 * check the sender: a datagram another process sent to our port is
 * dropped here (0: read again). */
static ssize_t nl_recv_kernel(struct nl_sock *s)
{
	struct sockaddr_nl addr;
	struct iovec iov = { .iov_base = s->buf, .iov_len = NL_DUMP_BUFFER };
	struct msghdr msg = {
		.msg_name = &addr,
		.msg_namelen = sizeof(addr),
		.msg_iov = &iov,
		.msg_iovlen = 1,
	};
	ssize_t n = recvmsg(mnl_socket_get_fd(s->mnl), &msg, 0);

	if (n < 0)
		return -errno;
	if (msg.msg_flags & MSG_TRUNC)
		return -ENOSPC; /* a message beyond the buffer */
	if (msg.msg_namelen != sizeof(addr) || addr.nl_family != AF_NETLINK ||
	    addr.nl_pid != 0)
		return 0;
	return n;
}

/* Is there a whole message at nlh within len bytes? libmnl 1.0.4's
 * mnl_nlmsg_ok compares nlmsg_len as an int, so a huge length passes. */
bool nl_msg_ok(const struct nlmsghdr *nlh, size_t len)
{
	return len >= sizeof(*nlh) && nlh->nlmsg_len >= sizeof(*nlh) &&
	       nlh->nlmsg_len <= len;
}

/* Read the reply to request seq up to its ack or NLMSG_DONE. */
static int nl_receive(struct nl_sock *s, uint32_t seq, struct nl_run *run)
{
	for (;;) {
		ssize_t n = nl_recv_kernel(s);
		const struct nlmsghdr *nlh = (const void *)s->buf;
		size_t len;
		int err = 0;

		if (n == -EINTR || n == 0)
			continue;
		if (n < 0)
			return (int)n;
		for (len = (size_t)n; nl_msg_ok(nlh, len);) {
			size_t step = NLMSG_ALIGN(nlh->nlmsg_len);

			if (nl_handle_one(s, nlh, seq, run, &err))
				return run->cb_err ? run->cb_err : err;
			if (step >= len)
				break;
			len -= step;
			nlh = (const void *)((const char *)nlh + step);
		}
	}
}

static int nl_finish(struct nl_run *run, int r, char **ret_msg)
{
	if (r < 0 && ret_msg && run->msg)
		*ret_msg = TAKE_PTR(run->msg);
	free(run->msg);
	run->msg = NULL;
	return r;
}

int nl_request(struct nl_sock *s, struct nlmsghdr *nlh, nl_reply_cb cb,
	       void *data, char **ret_msg)
{
	struct nl_run run = { .cb = cb, .data = data };
	int r;

	nlh->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	r = nl_send(s, nlh);
	if (r == 0)
		r = nl_receive(s, nlh->nlmsg_seq, &run);
	return nl_finish(&run, r, ret_msg);
}

int nl_dump(struct nl_sock *s, struct nlmsghdr *nlh, nl_reply_cb cb,
	    void (*reset)(void *data), void *data, char **ret_msg)
{
	nlh->nlmsg_flags |= NLM_F_REQUEST | NLM_F_DUMP;
	for (int i = 0; i < NL_DUMP_TRIES; i++) {
		struct nl_run run = { .cb = cb, .data = data };
		int r;

		if (i > 0 && reset)
			reset(data);
		r = nl_send(s, nlh);
		if (r == 0)
			r = nl_receive(s, nlh->nlmsg_seq, &run);
		if (r < 0 || !run.interrupted)
			return nl_finish(&run, r, ret_msg);
		nl_finish(&run, 0, NULL);
	}
	return -EAGAIN;
}

struct nl_attr_table {
	const enum mnl_attr_data_type *policy;
	uint16_t max;
	const struct nlattr **tb;
	int err;
};

static int nl_attr_cb(const struct nlattr *a, void *data)
{
	struct nl_attr_table *t = data;
	uint16_t type = mnl_attr_get_type(a);

	if (type > t->max || t->policy[type] == MNL_TYPE_UNSPEC)
		return MNL_CB_OK; /* unknown to us: a newer kernel's */
	if (mnl_attr_validate(a, t->policy[type]) < 0) {
		t->err = -EBADMSG;
		return MNL_CB_ERROR;
	}
	t->tb[type] = a;
	return MNL_CB_OK;
}

int nl_attr_parse(const struct nlmsghdr *nlh, size_t offset,
		  const enum mnl_attr_data_type *policy, uint16_t max,
		  const struct nlattr **tb)
{
	struct nl_attr_table t = { policy, max, tb, 0 };

	/* NOLINTNEXTLINE(bugprone-sizeof-expression): tb holds pointers */
	memset(tb, 0, sizeof(*tb) * ((size_t)max + 1));
	if (nlh->nlmsg_len < mnl_nlmsg_size(offset))
		return -EBADMSG;
	mnl_attr_parse(nlh, (unsigned)offset, nl_attr_cb, &t);
	return t.err;
}

int nl_attr_parse_nested(const struct nlattr *nest,
			 const enum mnl_attr_data_type *policy, uint16_t max,
			 const struct nlattr **tb)
{
	struct nl_attr_table t = { policy, max, tb, 0 };

	/* NOLINTNEXTLINE(bugprone-sizeof-expression): tb holds pointers */
	memset(tb, 0, sizeof(*tb) * ((size_t)max + 1));
	mnl_attr_parse_nested(nest, nl_attr_cb, &t);
	return t.err;
}

static const enum mnl_attr_data_type nlmsgerr_policy[NLMSGERR_ATTR_MAX + 1] = {
	[NLMSGERR_ATTR_MSG] = MNL_TYPE_NUL_STRING,
};

/* Where the extended-ack attributes start in an error or done message. */
static int nl_ack_tlv_offset(const struct nlmsghdr *nlh, size_t *ret)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	size_t len = mnl_nlmsg_get_payload_len(nlh), off;

	if (nlh->nlmsg_type == NLMSG_DONE) {
		*ret = sizeof(int);
		return 0;
	}
	off = sizeof(*e);
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED)) {
		if (e->msg.nlmsg_len < sizeof(struct nlmsghdr))
			return -EBADMSG;
		off += e->msg.nlmsg_len - sizeof(struct nlmsghdr);
	}
	if (off > len)
		return -EBADMSG;
	*ret = off;
	return 0;
}

int nl_parse_error(const struct nlmsghdr *nlh, char **ret_msg)
{
	size_t need = nlh->nlmsg_type == NLMSG_DONE ? sizeof(int) :
						      sizeof(struct nlmsgerr);
	const struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	size_t off;
	int err;

	if (nlh->nlmsg_len < mnl_nlmsg_size(need))
		/* An old kernel's NLMSG_DONE may carry nothing. */
		return nlh->nlmsg_type == NLMSG_DONE ? 0 : -EBADMSG;
	memcpy(&err, mnl_nlmsg_get_payload(nlh), sizeof(err));
	if (err > 0 || err < -4095)
		return -EBADMSG;
	if (err == 0 || !ret_msg || !(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return err;
	if (nl_ack_tlv_offset(nlh, &off) < 0 ||
	    nl_attr_parse(nlh, off, nlmsgerr_policy, NLMSGERR_ATTR_MAX, tb) < 0)
		return err;
	if (tb[NLMSGERR_ATTR_MSG] && *mnl_attr_get_str(tb[NLMSGERR_ATTR_MSG]))
		*ret_msg = xstrdup(mnl_attr_get_str(tb[NLMSGERR_ATTR_MSG]));
	return err;
}

static const enum mnl_attr_data_type ctrl_policy[CTRL_ATTR_MAX + 1] = {
	[CTRL_ATTR_FAMILY_ID] = MNL_TYPE_U16,
	[CTRL_ATTR_FAMILY_NAME] = MNL_TYPE_NUL_STRING,
	[CTRL_ATTR_VERSION] = MNL_TYPE_U32,
	[CTRL_ATTR_OPS] = MNL_TYPE_NESTED,
};

static const enum mnl_attr_data_type ctrl_op_policy[CTRL_ATTR_OP_MAX + 1] = {
	[CTRL_ATTR_OP_ID] = MNL_TYPE_U32,
	[CTRL_ATTR_OP_FLAGS] = MNL_TYPE_U32,
};

/* CTRL_ATTR_OPS: an array of nests, one per operation. */
static int nl_genl_parse_ops(const struct nlattr *ops, struct nl_family *f)
{
	const struct nlattr *op, *tb[CTRL_ATTR_OP_MAX + 1];

	mnl_attr_for_each_nested(op, ops)
	{
		uint32_t id;

		if (mnl_attr_validate(op, MNL_TYPE_NESTED) < 0 ||
		    nl_attr_parse_nested(op, ctrl_op_policy, CTRL_ATTR_OP_MAX,
					 tb) < 0)
			return -EBADMSG;
		if (!tb[CTRL_ATTR_OP_ID])
			continue;
		id = mnl_attr_get_u32(tb[CTRL_ATTR_OP_ID]);
		if (id < 256)
			f->ops[id / 32] |= UINT32_C(1) << (id % 32);
	}
	return 0;
}

int nl_genl_parse_family(const struct nlmsghdr *nlh, struct nl_family *ret)
{
	const struct nlattr *tb[CTRL_ATTR_MAX + 1];
	struct nl_family f = { 0 };
	int r;

	r = nl_attr_parse(nlh, GENL_HDRLEN, ctrl_policy, CTRL_ATTR_MAX, tb);
	if (r < 0)
		return r;
	if (!tb[CTRL_ATTR_FAMILY_ID])
		return -EBADMSG;
	f.id = mnl_attr_get_u16(tb[CTRL_ATTR_FAMILY_ID]);
	if (tb[CTRL_ATTR_VERSION])
		f.version = mnl_attr_get_u32(tb[CTRL_ATTR_VERSION]);
	if (tb[CTRL_ATTR_OPS]) {
		r = nl_genl_parse_ops(tb[CTRL_ATTR_OPS], &f);
		if (r < 0)
			return r;
	}
	*ret = f;
	return 0;
}

struct genl_resolve {
	struct nl_family f;
	bool found;
};

static int nl_genl_family_cb(const struct nlmsghdr *nlh, void *data)
{
	struct genl_resolve *g = data;
	int r = nl_genl_parse_family(nlh, &g->f);

	if (r == 0)
		g->found = true;
	return r;
}

int nl_genl_resolve(struct nl_sock *s, const char *name, struct nl_family *ret,
		    char **ret_msg)
{
	char buf[NL_REQUEST_BUFFER];
	struct nlmsghdr *nlh;
	struct genl_resolve g = { 0 };
	int r;

	nlh = nl_genl_msg_new(buf, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1, 0);
	if (!mnl_attr_put_strz_check(nlh, sizeof(buf), CTRL_ATTR_FAMILY_NAME,
				     name))
		return -ENAMETOOLONG;
	r = nl_request(s, nlh, nl_genl_family_cb, &g, ret_msg);
	if (r < 0)
		return r;
	if (!g.found)
		return -ENOENT;
	*ret = g.f;
	return 0;
}

bool nl_family_has_op(const struct nl_family *f, unsigned cmd)
{
	return cmd < 256 && (f->ops[cmd / 32] & (UINT32_C(1) << (cmd % 32)));
}
