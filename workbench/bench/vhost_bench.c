// SPDX-License-Identifier: GPL-2.0-only
/*
 * vhost_bench: data-path throughput and round-trip latency of vhost-vsock
 * and vhost-net, driven by the userspace virtio driver of the vhost
 * selftests (vhost_util.c, compiled in), with no VM.
 *
 * Usage: vhost_bench <vsock|net> <crosvm|qemu|plain> [-t seconds] [-s bytes]
 *                    [-n round trips] [-b] [-P] [-T] [-w]
 *
 * One configuration per run:
 *   crosvm  VIRTIO_F_VERSION_1 | VIRTIO_F_ACCESS_PLATFORM acked, no backend
 *           features, no IOTLB message: no IOTLB with the series; a kernel
 *           without it refuses to start the device (EFAULT): skip, exit 4.
 *   qemu    the same features, then VHOST_BACKEND_F_IOTLB_MSG_V2; the whole
 *           driver memory (rings and buffers) is mapped with one identity
 *           VHOST_IOTLB_UPDATE before the device starts, so the steady state
 *           never misses; misses are still answered, counted and printed.
 *   plain   VIRTIO_F_VERSION_1 only.
 *
 * Throughput: payload-sized messages from the fake guest to the host for -t
 * seconds; a host thread reads as fast as it can.  MB/s (10^6 bytes/s) =
 * payload bytes the host received by the end of the window / the window.
 * For vsock the guest keeps the TX ring as full as the host's credit allows;
 * for net it sends frames of virtio_net_hdr_v1 + ethernet + payload (at most
 * BUF_SIZE in all) to an AF_PACKET socket on the tap.  When the guest can
 * make no progress it sleeps on the call eventfds (it shares the VM's two
 * CPUs with the vhost worker and the host reader); -b busy-polls instead.
 *
 * Latency: after 100 unrecorded warm-up round trips, -n ping-pongs of a
 * 64-byte message that the host echoes back (vsock: on the socket; net: a
 * frame sent back to the guest's MAC).  The guest busy-polls the used ring,
 * so that the figure is the device path and not the wake-up of the guest
 * (-w sleeps on the call eventfd instead).
 *
 * Round trips on one CPU (rtt1_*, when pinned): the same again with the
 * guest, the vhost worker and the host thread all on CPU 0 and SCHED_FIFO
 * at one priority, the guest sleeping on the call eventfd (-w's way).  A
 * woken thread then waits until the running one sleeps, so each round trip
 * is the work of its whole path in one order: the kick, the vhost worker,
 * the host thread's echo, the worker again (vsock, and net's RX), the
 * signal and the wake-ups.  Under QEMU's -icount that is a count of
 * instructions, where the two-CPU round trip also counts the busy-polling
 * CPU's spinning while the other works, and so depends on how QEMU's
 * round-robin interleaves the two vCPUs.  Left to the scheduler (not
 * SCHED_FIFO), the one-CPU round trip took more than one order (with the
 * IOTLB and the guest's earlier poll() wait: vsock's median 33.5 us, its
 * 90th percentile 40.5) in proportions that moved the median of one boot
 * in five by 7%.
 *
 * CPUs: the VM has two.  During the latency phase the busy-polling guest
 * runs on CPU 0, the vhost worker (the "vhost-<pid>" thread of this process)
 * and the host thread on CPU 1, as a guest's vCPU and the host's threads
 * would not share a CPU (-P: no pinning, and no round trips on one CPU).
 * The throughput phase leaves every thread free, so that the vhost worker
 * and the host reader run in parallel; -T pins it as the latency phase.
 * Under QEMU's -icount, where the clock
 * counts the instructions of both CPUs together, running in parallel gains
 * nothing and where the scheduler put the worker decided the figure (two
 * values 2-5% apart, one per boot): make bench passes -T there.
 *
 * Noise: under QEMU TCG on a loaded host, a vCPU thread may lose its host
 * CPU for milliseconds: throughput is also given as the best of ten t/10
 * windows (tx_throughput_best), and the RTT median is robust while the p99
 * mostly measures the host (p90 and samples over 1 ms are printed as well).
 *
 * Output, one line each: "bench: <device>.<mode>.<metric> <value> <unit>".
 * Exit status: 0 ok, 1 error ("bench: error <what>: <strerror>"), 4 skip.
 */
#define _GNU_SOURCE
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <dirent.h>
#include <unistd.h>
#include <net/if.h>
#include <arpa/inet.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/if_tun.h>
#include <linux/virtio_config.h>
#include <linux/virtio_net.h>
#include <linux/virtio_vsock.h>
#include <linux/vm_sockets.h>

#include "vhost_util.h"

#define ACCESS_PLATFORM	(1ULL << VIRTIO_F_ACCESS_PLATFORM)
#define IOTLB_MSG_V2	(1ULL << VHOST_BACKEND_F_IOTLB_MSG_V2)
#define VERSION_1	(1ULL << VIRTIO_F_VERSION_1)

#define NSEC		1000000000LL
#define WAIT_NS		(2 * NSEC)	/* longest wait for one event */
#define MISS_CHECK_NS	1000000LL	/* stall before reading IOTLB misses */
#define SLEEP_MS	10		/* longest sleep on the eventfds */
#define CREDIT_REQ_NS	10000000LL	/* stall before asking for credit */
#define PING_SIZE	64
#define WARMUP		100
#define GUEST_BUF_ALLOC	(256 * 1024)	/* advertised by the fake guest */
#define HOST_RCVBUF	(8 << 20)	/* SO_RCVBUFFORCE of the AF_PACKET socket */
#define ETH_P_TEST	ETH_P_802_EX1
#define GUEST_CPU	0
#define HOST_CPU	1

/* Queue indexes: vsock and net both have RX 0, TX 1. */
#define RXQ		0
#define TXQ		1

enum device { VSOCK, NET };
enum mode { CROSVM, QEMU, PLAIN };

static const char *const mode_names[] = { "crosvm", "qemu", "plain" };
static const uint8_t guest_mac[ETH_ALEN] = { 0x02, 0, 0, 0, 0, 0x01 };

struct vsock_pkt {
	struct virtio_vsock_hdr hdr;
	char payload[BUF_SIZE - sizeof(struct virtio_vsock_hdr)];
} __attribute__((packed));

struct net_frame {
	struct virtio_net_hdr_v1 vnet;
	struct ethhdr eth;
	char payload[BUF_SIZE - sizeof(struct virtio_net_hdr_v1) -
		     sizeof(struct ethhdr)];
} __attribute__((packed));

static struct bench {
	enum device dev;
	enum mode mode;
	const char *name;	/* "vsock.crosvm" */
	double secs;
	size_t size;
	unsigned int n;
	bool busy_tput;
	bool pin;		/* may pin for the latency phase (not -P) */
	bool pinned;		/* guest on GUEST_CPU, host on host_cpu */
	int host_cpu;		/* HOST_CPU, or GUEST_CPU for one CPU */
	bool fifo;		/* pinned threads are SCHED_FIFO */
	int ep;			/* epoll: the call eventfds, the vhost fd */
	bool wait_lat;		/* latency: sleep on the call eventfd */
	const char *rtt;	/* the latency metrics' prefix */
	struct vdev d;
	struct vq *rx, *tx;
	bool rx_kick;		/* RX buffers posted since the last kick */

	/* vsock */
	int listen_fd, conn;
	uint64_t cid;
	uint32_t port, guest_port;
	uint32_t peer_buf_alloc, peer_fwd_cnt;	/* the host's credit */
	uint32_t tx_cnt;	/* payload bytes the guest sent, mod 2^32 */
	uint64_t tx_total;	/* the same, not wrapping */
	uint32_t fwd_cnt;	/* payload bytes the guest received */
	bool credit_reply;	/* CREDIT_UPDATE owed to the host */
	bool connected;

	/* net */
	int tap, sock, ifindex;
	uint8_t mac[ETH_ALEN];
	uint64_t frames_sent;

	/* host thread */
	pthread_t thread;
	int stop;			/* atomic */
	uint64_t host_bytes;		/* atomic */
	uint64_t host_msgs;		/* atomic */
	int host_errno;			/* atomic */

	union {
		struct vsock_pkt vpkt;
		struct net_frame frame;
	} out;			/* the packet being built */
} b = { .listen_fd = -1, .conn = -1, .tap = -1, .sock = -1 };

static void fail(const char *what)
{
	printf("bench: error %s: %s\n", what, strerror(errno));
	exit(1);
}

static void fail_errno(const char *what, int err)
{
	errno = err;
	fail(what);
}

static void on_alarm(int sig)
{
	static const char msg[] = "bench: error run time exceeded: Timer expired\n";

	(void)sig;
	(void)!write(STDOUT_FILENO, msg, sizeof(msg) - 1);
	_exit(1);
}

#define WINDOWS		10

/* Throughput per window of t/WINDOWS: the best one is the least disturbed. */
struct windows {
	int64_t t0, len, next;
	uint64_t bytes0;
	double best;
};

static void win_start(struct windows *w, int64_t t0, double secs)
{
	w->t0 = t0;
	w->len = (int64_t)(secs * 1e9) / WINDOWS;
	w->next = t0 + w->len;
	w->bytes0 = 0;
	w->best = 0;
}

static void win_tick(struct windows *w, int64_t now)
{
	uint64_t bytes;
	double rate;

	if (now < w->next)
		return;
	bytes = __atomic_load_n(&b.host_bytes, __ATOMIC_ACQUIRE);
	rate = (bytes - w->bytes0) * 1e3 / (now - w->t0);
	if (rate > w->best)
		w->best = rate;
	w->t0 = now;
	w->bytes0 = bytes;
	w->next = now + w->len;
}

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * NSEC + ts.tv_nsec;
}

static inline void cpu_relax(void)
{
#if defined(__aarch64__)
	asm volatile("yield" ::: "memory");
#elif defined(__x86_64__)
	asm volatile("pause" ::: "memory");
#endif
}

/*
 * Bind thread @tid (0: the caller) to @cpu, or to every CPU if @cpu < 0;
 * with b.fifo, make it SCHED_FIFO as well.
 */
static void set_cpu(pid_t tid, int cpu)
{
	struct sched_param fifo = { .sched_priority = 1 };
	long i, n = sysconf(_SC_NPROCESSORS_ONLN);
	cpu_set_t set;

	CPU_ZERO(&set);
	for (i = 0; i < n && i < CPU_SETSIZE; i++)
		if (cpu < 0 || i == cpu)
			CPU_SET(i, &set);
	if (sched_setaffinity(tid, sizeof(set), &set))
		fail("sched_setaffinity");
	if (b.fifo && sched_setscheduler(tid, SCHED_FIFO, &fifo))
		fail("sched_setscheduler(SCHED_FIFO)");
}

/* The vhost worker: the "vhost-<pid>" thread of this process */
static void set_worker_cpu(int cpu)
{
	char path[300], comm[32];
	unsigned int n = 0;
	struct dirent *e;
	DIR *dir;
	FILE *f;

	dir = opendir("/proc/self/task");
	if (!dir)
		fail("/proc/self/task");
	while ((e = readdir(dir))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/self/task/%s/comm", e->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fgets(comm, sizeof(comm), f) && !strncmp(comm, "vhost-", 6)) {
			set_cpu(atoi(e->d_name), cpu);
			n++;
		}
		fclose(f);
	}
	closedir(dir);
	if (!n)
		fail_errno("no vhost worker thread to bind", ESRCH);
}

/*
 * Latency phase, when pinned: the guest on GUEST_CPU, the vhost worker (and
 * the host thread, see start_host()) on @host_cpu.  Throughput phase: every
 * thread may run anywhere.
 */
static void set_pinning(bool on, int host_cpu)
{
	if (!b.pin)
		return;
	b.pinned = on;
	b.host_cpu = host_cpu;
	set_cpu(0, on ? GUEST_CPU : -1);
	set_worker_cpu(on ? host_cpu : -1);
}

static void result(const char *metric, const char *fmt, double v,
		   const char *unit)
{
	char val[64];

	snprintf(val, sizeof(val), fmt, v);
	printf("bench: %s.%s %s %s\n", b.name, metric, val, unit);
}

/*
 * Kick on every batch, as vhost_util's users do.  Skipping the kick while
 * the device sets VRING_USED_F_NO_NOTIFY (as a virtio driver without
 * EVENT_IDX does) was tried: one vsock run in twelve then stalled for
 * seconds (cause not found); the eventfd write costs the same in every mode.
 */
static void kick(struct vq *vq)
{
	if (vq_kick(vq))
		fail("kick");
}

static void post_rx(void)
{
	if (vq_add_in(b.rx) < 0)
		fail("post an RX buffer");
	b.rx_kick = true;
}

static void flush_rx(void)
{
	if (b.rx_kick)
		kick(b.rx);
	b.rx_kick = false;
}

static void handle_misses(void)
{
	if (b.mode == QEMU && vdev_handle_misses(&b.d))
		fail("answer IOTLB misses");
}

/*
 * The guest's waits: one epoll set, its fds registered once (as a VMM
 * registers its own): both call eventfds and, for qemu, the vhost fd that
 * reports IOTLB misses.  A wait then costs the same in every mode, and
 * misses are read only when the device has one.  The set stays registered
 * on the call eventfds, so every signal of the device also runs epoll's
 * wake-up callback, in every mode and phase (a VM's irqfd is such a
 * waiter too).
 */
static void watch_device(void)
{
	int fds[] = { b.rx->call, b.tx->call, b.d.fd };
	struct epoll_event ev = { .events = EPOLLIN };
	unsigned int i;

	b.ep = epoll_create1(EPOLL_CLOEXEC);
	if (b.ep < 0)
		fail("epoll_create1");
	for (i = 0; i < (b.mode == QEMU ? 3 : 2); i++) {
		ev.data.fd = fds[i];
		if (epoll_ctl(b.ep, EPOLL_CTL_ADD, fds[i], &ev))
			fail("epoll_ctl");
	}
}

/*
 * Sleep until the device signals a used buffer or reports a miss (at most
 * SLEEP_MS); the callers look at the rings again afterwards.
 */
static void wait_device(void)
{
	struct epoll_event ev[3];
	eventfd_t count;
	int i, n;

	n = epoll_wait(b.ep, ev, 3, SLEEP_MS);
	if (n < 0 && errno != EINTR)
		fail("epoll_wait");
	for (i = 0; i < n; i++) {
		if (ev[i].data.fd == b.d.fd)
			handle_misses();
		else
			eventfd_read(ev[i].data.fd, &count);
	}
}

/* Reclaim the TX buffers the device used; returns how many. */
static unsigned int reclaim_tx(void)
{
	unsigned int n = 0;

	while (vq_get_used(b.tx, NULL) >= 0)
		n++;
	if (errno != EAGAIN)
		fail("TX used ring");
	return n;
}

/* vhost-vsock: the fake guest */

static void vsock_send(uint16_t op, uint32_t len)
{
	struct virtio_vsock_hdr *hdr = &b.out.vpkt.hdr;

	hdr->src_cid = htole64(b.cid);
	hdr->dst_cid = htole64(VMADDR_CID_HOST);
	hdr->src_port = htole32(b.guest_port);
	hdr->dst_port = htole32(b.port);
	hdr->len = htole32(len);
	hdr->type = htole16(VIRTIO_VSOCK_TYPE_STREAM);
	hdr->op = htole16(op);
	hdr->flags = 0;
	hdr->buf_alloc = htole32(GUEST_BUF_ALLOC);
	hdr->fwd_cnt = htole32(b.fwd_cnt);
	if (vq_add_out(b.tx, &b.out.vpkt, sizeof(*hdr) + len) < 0)
		fail("post a TX buffer");
	if (op == VIRTIO_VSOCK_OP_RW) {
		b.tx_cnt += len;
		b.tx_total += len;
	}
	if (op == VIRTIO_VSOCK_OP_CREDIT_UPDATE)
		b.credit_reply = false;
}

static bool tx_full(void)
{
	unsigned int i;

	for (i = 0; i < VQ_NUM; i++)
		if (!b.tx->busy[i])
			return false;
	return true;
}

/* Free credit the host gave the guest */
static int64_t vsock_credit(void)
{
	return (int64_t)b.peer_buf_alloc - (uint32_t)(b.tx_cnt - b.peer_fwd_cnt);
}

/*
 * Take one packet from the RX used ring, if there is one: note the host's
 * credit, answer CREDIT_REQUEST (when the TX ring has room) and post the
 * buffer again.  Returns its op with its payload length in *len (0 for a
 * packet of another connection), or -1 if the used ring is empty.
 */
static int vsock_rx_one(uint32_t *len, char *payload)
{
	struct virtio_vsock_hdr *hdr;
	uint32_t used_len;
	int id, op;

	id = vq_get_used(b.rx, &used_len);
	if (id < 0) {
		if (errno != EAGAIN)
			fail("RX used ring");
		return -1;
	}
	hdr = (void *)b.rx->buf[id];
	op = le16toh(hdr->op);
	*len = le32toh(hdr->len);
	if (used_len < sizeof(*hdr) || used_len - sizeof(*hdr) < *len)
		fail_errno("short RX packet", EPROTO);
	if (le64toh(hdr->src_cid) != VMADDR_CID_HOST ||
	    le64toh(hdr->dst_cid) != b.cid ||
	    le32toh(hdr->src_port) != b.port ||
	    le32toh(hdr->dst_port) != b.guest_port) {
		op = 0;		/* not the connection: ignore */
	} else {
		b.peer_buf_alloc = le32toh(hdr->buf_alloc);
		b.peer_fwd_cnt = le32toh(hdr->fwd_cnt);
		if (op == VIRTIO_VSOCK_OP_RW) {
			b.fwd_cnt += *len;
			if (payload)
				memcpy(payload, hdr + 1,
				       *len < PING_SIZE ? *len : PING_SIZE);
		}
		if (op == VIRTIO_VSOCK_OP_CREDIT_REQUEST)
			b.credit_reply = true;
		if (b.connected && (op == VIRTIO_VSOCK_OP_RST ||
				    op == VIRTIO_VSOCK_OP_SHUTDOWN))
			fail_errno("the host closed the connection", ECONNRESET);
	}
	post_rx();
	if (b.credit_reply && !tx_full()) {
		vsock_send(VIRTIO_VSOCK_OP_CREDIT_UPDATE, 0);
		kick(b.tx);
	}
	return op;
}

/* Process every packet on the RX used ring; returns how many. */
static unsigned int vsock_rx_all(void)
{
	unsigned int n = 0;
	uint32_t len;

	while (vsock_rx_one(&len, NULL) >= 0)
		n++;
	flush_rx();
	return n;
}

/* Whether recv() returning @n ended the host's side; records why. */
static bool host_recv_failed(ssize_t n)
{
	if (n > 0 || (n < 0 && (errno == EAGAIN || errno == EINTR)))
		return false;
	__atomic_store_n(&b.host_errno, n ? errno : ECONNRESET, __ATOMIC_RELEASE);
	return true;
}

static void *vsock_sink(void *arg)
{
	static char buf[256 * 1024];
	ssize_t n;

	(void)arg;
	while (!__atomic_load_n(&b.stop, __ATOMIC_ACQUIRE)) {
		n = recv(b.conn, buf, sizeof(buf), 0);
		if (n > 0) {
			__atomic_fetch_add(&b.host_bytes, n, __ATOMIC_RELEASE);
			__atomic_fetch_add(&b.host_msgs, 1, __ATOMIC_RELAXED);
		} else if (host_recv_failed(n)) {
			break;
		}
	}
	return NULL;
}

static void *vsock_echo(void *arg)
{
	char buf[PING_SIZE];
	size_t have = 0;
	ssize_t n;

	(void)arg;
	while (!__atomic_load_n(&b.stop, __ATOMIC_ACQUIRE)) {
		n = recv(b.conn, buf + have, sizeof(buf) - have, 0);
		if (n > 0) {
			have += n;
			if (have < sizeof(buf))
				continue;
			have = 0;
			if (send(b.conn, buf, sizeof(buf), 0) != sizeof(buf)) {
				__atomic_store_n(&b.host_errno, errno, __ATOMIC_RELEASE);
				break;
			}
			__atomic_fetch_add(&b.host_msgs, 1, __ATOMIC_RELAXED);
		} else if (host_recv_failed(n)) {
			break;
		}
	}
	return NULL;
}

static void start_host(void *(*fn)(void *))
{
	int err;

	__atomic_store_n(&b.stop, 0, __ATOMIC_RELEASE);
	__atomic_store_n(&b.host_bytes, 0, __ATOMIC_RELEASE);
	__atomic_store_n(&b.host_msgs, 0, __ATOMIC_RELEASE);
	if (b.pinned)
		set_cpu(0, b.host_cpu);	/* inherited by the new thread */
	err = pthread_create(&b.thread, NULL, fn, NULL);
	if (b.pinned)
		set_cpu(0, GUEST_CPU);
	if (err)
		fail_errno("pthread_create", err);
}

static void stop_host(void)
{
	__atomic_store_n(&b.stop, 1, __ATOMIC_RELEASE);
	pthread_join(b.thread, NULL);
}

static void check_host(void)
{
	int err = __atomic_load_n(&b.host_errno, __ATOMIC_ACQUIRE);

	if (err)
		fail_errno("host socket", err);
}

/* A receive timeout, so that the host thread sees b.stop. */
static void set_rcvtimeo(int fd)
{
	struct timeval tv = { .tv_usec = 50000 };

	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)))
		fail("SO_RCVTIMEO");
}

static void vsock_setup(void)
{
	struct sockaddr_vm addr = {
		.svm_family = AF_VSOCK,
		.svm_cid = VMADDR_CID_ANY,
	};
	unsigned int tries;

	if (access("/dev/vhost-vsock", R_OK | W_OK))
		fail("/dev/vhost-vsock");
	b.listen_fd = socket(AF_VSOCK, SOCK_STREAM, 0);
	if (b.listen_fd < 0)
		fail("AF_VSOCK socket");
	/* A fixed port, moved on if an earlier run still holds it */
	for (tries = 0; tries < 100; tries++) {
		b.port = 5000 + b.mode * 100 + tries;
		addr.svm_port = b.port;
		if (!bind(b.listen_fd, (void *)&addr, sizeof(addr)))
			break;
		if (errno != EADDRINUSE)
			fail("bind the host socket");
	}
	if (listen(b.listen_fd, 1))
		fail("listen");
	/*
	 * A connection of an earlier run from the same guest port may still
	 * be closing on the host (VSOCK_CLOSE_TIMEOUT is 8 s) and would take
	 * the OP_REQUEST: a guest port of our own.
	 */
	b.guest_port = 10000 + getpid() % 50000;
	if (vdev_open(&b.d, "/dev/vhost-vsock"))
		fail("open /dev/vhost-vsock");
}

static void vsock_set_cid(void)
{
	unsigned int tries;

	for (tries = 0; tries < 100; tries++) {
		b.cid = 1000 + getpid() % 100000 + tries;
		if (!ioctl(b.d.fd, VHOST_VSOCK_SET_GUEST_CID, &b.cid))
			return;
		if (errno != EADDRINUSE)
			break;
	}
	fail("VHOST_VSOCK_SET_GUEST_CID");
}

/*
 * No progress: spin (or sleep on the eventfds, if !busy) a little; fail
 * after WAIT_NS without progress.
 */
struct stall {
	int64_t since;
};

static void stalled(struct stall *s, bool busy, const char *what)
{
	int64_t now = now_ns();

	if (!s->since)
		s->since = now;
	if (now - s->since > WAIT_NS)
		fail_errno(what, ETIMEDOUT);
	if (!busy) {
		wait_device();
		return;
	}
	if (now - s->since > MISS_CHECK_NS)
		handle_misses();
	cpu_relax();
}

static void vsock_connect(void)
{
	struct pollfd pfd = { .fd = b.listen_fd, .events = POLLIN };
	struct stall s = { 0 };
	uint32_t len;
	int op;

	vsock_send(VIRTIO_VSOCK_OP_REQUEST, 0);
	kick(b.tx);
	for (;;) {
		reclaim_tx();
		op = vsock_rx_one(&len, NULL);
		flush_rx();
		if (op == VIRTIO_VSOCK_OP_RESPONSE)
			break;
		if (op == VIRTIO_VSOCK_OP_RST)
			fail_errno("connect to the host", ECONNREFUSED);
		if (op < 0)
			stalled(&s, false, "connect to the host");
	}
	b.connected = true;
	if (poll(&pfd, 1, WAIT_NS / 1000000) != 1)
		fail_errno("accept", ETIMEDOUT);
	b.conn = accept(b.listen_fd, NULL, NULL);
	if (b.conn < 0)
		fail("accept");
	set_rcvtimeo(b.conn);
}

static void vsock_throughput(void)
{
	int64_t t0, t1, end, last_progress, now;
	uint64_t host_bytes;
	struct stall s = { 0 };
	struct windows w;
	bool progress;

	memset(b.out.vpkt.payload, 0x5a, b.size);
	start_host(vsock_sink);
	t0 = now_ns();
	end = t0 + (int64_t)(b.secs * NSEC);
	win_start(&w, t0, b.secs);
	last_progress = t0;
	for (;;) {
		now = now_ns();
		if (now >= end)
			break;
		win_tick(&w, now);
		progress = reclaim_tx() > 0;
		progress |= vsock_rx_all() > 0;
		if (!tx_full() && vsock_credit() >= (int64_t)b.size) {
			while (!tx_full() && vsock_credit() >= (int64_t)b.size)
				vsock_send(VIRTIO_VSOCK_OP_RW, b.size);
			kick(b.tx);
			progress = true;
		}
		if (progress) {
			last_progress = now;
			s.since = 0;
			continue;
		}
		check_host();
		/* Out of credit with nothing in flight for a while: ask. */
		if (!tx_full() && now - last_progress > CREDIT_REQ_NS) {
			vsock_send(VIRTIO_VSOCK_OP_CREDIT_REQUEST, 0);
			kick(b.tx);
			last_progress = now;
		}
		stalled(&s, b.busy_tput, "throughput: the device made no progress");
	}
	t1 = now_ns();
	host_bytes = __atomic_load_n(&b.host_bytes, __ATOMIC_ACQUIRE);

	/* Let the host read everything the guest sent, then stop it. */
	s.since = 0;
	while (__atomic_load_n(&b.host_bytes, __ATOMIC_ACQUIRE) < b.tx_total) {
		check_host();
		reclaim_tx();
		vsock_rx_all();
		stalled(&s, false, "throughput: drain");
	}
	stop_host();
	win_tick(&w, t1);
	result("tx_throughput", "%.1f", host_bytes * 1e3 / (t1 - t0), "MB/s");
	result("tx_throughput_best", "%.1f", w.best, "MB/s");
}

static int cmp_double(const void *a, const void *b2)
{
	double x = *(const double *)a, y = *(const double *)b2;

	return x < y ? -1 : x > y;
}

/* A latency figure: "<b.rtt>_<what>" (rtt_median, rtt1_median, ...) */
static void rtt_result(const char *what, const char *fmt, double v,
		       const char *unit)
{
	char metric[32];

	snprintf(metric, sizeof(metric), "%s_%s", b.rtt, what);
	result(metric, fmt, v, unit);
}

static void report_rtt(double *rtt, unsigned int n)
{
	size_t p99, i;

	if (!n)
		fail_errno("latency: no round trip", ETIMEDOUT);
	qsort(rtt, n, sizeof(*rtt), cmp_double);
	p99 = (n * 99 + 99) / 100;	/* ceil(0.99 n) */
	rtt_result("median", "%.2f",
		   n % 2 ? rtt[n / 2] : (rtt[n / 2 - 1] + rtt[n / 2]) / 2, "us");
	rtt_result("p90", "%.2f", rtt[(n * 90 + 99) / 100 - 1], "us");
	rtt_result("p99", "%.2f", rtt[p99 - 1], "us");
	rtt_result("max", "%.2f", rtt[n - 1], "us");
	for (i = 0; i < n && rtt[i] <= 1000; i++)
		;
	rtt_result("over_1ms", "%.0f", n - i, "count");
	if (n < b.n)
		rtt_result("samples", "%.0f", n, "count");
}

/*
 * One ping: send PING_SIZE bytes tagged with @seq, busy-poll the RX used
 * ring for the echo.  Returns the round trip in us.
 */
static double vsock_ping(uint32_t seq)
{
	char payload[PING_SIZE];
	struct stall s = { 0 };
	int64_t t0, t1;
	uint32_t len;
	int op;

	memset(b.out.vpkt.payload, 0, PING_SIZE);
	memcpy(b.out.vpkt.payload, &seq, sizeof(seq));
	t0 = now_ns();
	if (tx_full() && !reclaim_tx())
		fail_errno("latency: TX ring full", ENOSPC);
	if (vsock_credit() < PING_SIZE)
		fail_errno("latency: no credit", ENOSPC);
	vsock_send(VIRTIO_VSOCK_OP_RW, PING_SIZE);
	kick(b.tx);
	for (;;) {
		op = vsock_rx_one(&len, payload);
		if (op == VIRTIO_VSOCK_OP_RW) {
			t1 = now_ns();
			if (len != PING_SIZE || memcmp(payload, &seq, sizeof(seq)))
				fail_errno("latency: unexpected echo", EPROTO);
			break;
		}
		if (op < 0)
			stalled(&s, !b.wait_lat, "latency: no echo");
	}
	flush_rx();
	reclaim_tx();
	return (t1 - t0) / 1e3;
}

/* vhost-net: the fake guest */

static void *net_sink(void *arg)
{
	static char buf[BUF_SIZE];
	ssize_t n;

	(void)arg;
	while (!__atomic_load_n(&b.stop, __ATOMIC_ACQUIRE)) {
		n = recv(b.sock, buf, sizeof(buf), 0);
		if (n >= ETH_HLEN) {
			__atomic_fetch_add(&b.host_bytes, n - ETH_HLEN,
					   __ATOMIC_RELEASE);
			__atomic_fetch_add(&b.host_msgs, 1, __ATOMIC_RELEASE);
		} else if (n < 0 && errno != EAGAIN && errno != EINTR) {
			__atomic_store_n(&b.host_errno, errno, __ATOMIC_RELEASE);
			break;
		}
	}
	return NULL;
}

static void *net_echo(void *arg)
{
	char buf[BUF_SIZE];
	struct ethhdr *eth = (void *)buf;
	ssize_t n;

	(void)arg;
	while (!__atomic_load_n(&b.stop, __ATOMIC_ACQUIRE)) {
		n = recv(b.sock, buf, sizeof(buf), 0);
		if (n >= ETH_HLEN) {
			memcpy(eth->h_dest, guest_mac, ETH_ALEN);
			memcpy(eth->h_source, b.mac, ETH_ALEN);
			if (send(b.sock, buf, n, 0) != n) {
				__atomic_store_n(&b.host_errno, errno, __ATOMIC_RELEASE);
				break;
			}
			__atomic_fetch_add(&b.host_msgs, 1, __ATOMIC_RELAXED);
		} else if (n < 0 && errno != EAGAIN && errno != EINTR) {
			__atomic_store_n(&b.host_errno, errno, __ATOMIC_RELEASE);
			break;
		}
	}
	return NULL;
}

static void net_setup(void)
{
	struct ifreq ifr = { .ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR };
	struct sockaddr_ll addr = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(ETH_P_TEST),
	};
	int hdr_len = sizeof(struct virtio_net_hdr_v1);
	int one = 1, rcvbuf = HOST_RCVBUF;

	if (access("/dev/vhost-net", R_OK | W_OK))
		fail("/dev/vhost-net");
	if (access("/dev/net/tun", R_OK | W_OK))
		fail("/dev/net/tun");
	b.sock = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_TEST));
	if (b.sock < 0)
		fail("AF_PACKET socket");
	b.tap = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
	if (b.tap < 0)
		fail("open /dev/net/tun");
	snprintf(ifr.ifr_name, IFNAMSIZ, "vhbench%d", getpid());
	if (ioctl(b.tap, TUNSETIFF, &ifr))
		fail("TUNSETIFF");
	if (ioctl(b.tap, TUNSETVNETHDRSZ, &hdr_len))
		fail("TUNSETVNETHDRSZ");
	if (ioctl(b.sock, SIOCGIFHWADDR, &ifr))
		fail("SIOCGIFHWADDR");
	memcpy(b.mac, ifr.ifr_hwaddr.sa_data, ETH_ALEN);
	/* Frames up to BUF_SIZE: an MTU that lets the host send them too. */
	ifr.ifr_mtu = sizeof(struct net_frame) - sizeof(struct virtio_net_hdr_v1) -
		      ETH_HLEN;
	if (ioctl(b.sock, SIOCSIFMTU, &ifr))
		fail("SIOCSIFMTU");
	if (ioctl(b.sock, SIOCGIFFLAGS, &ifr))
		fail("SIOCGIFFLAGS");
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(b.sock, SIOCSIFFLAGS, &ifr))
		fail("SIOCSIFFLAGS");
	if (ioctl(b.sock, SIOCGIFINDEX, &ifr))
		fail("SIOCGIFINDEX");
	b.ifindex = ifr.ifr_ifindex;
	addr.sll_ifindex = b.ifindex;
	if (bind(b.sock, (void *)&addr, sizeof(addr)))
		fail("bind the AF_PACKET socket");
	/* Not the frames the host sends itself */
	if (setsockopt(b.sock, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one,
		       sizeof(one)))
		fail("PACKET_IGNORE_OUTGOING");
	if (setsockopt(b.sock, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf,
		       sizeof(rcvbuf)) &&
	    setsockopt(b.sock, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf)))
		fail("SO_RCVBUF");
	set_rcvtimeo(b.sock);
	if (vdev_open(&b.d, "/dev/vhost-net"))
		fail("open /dev/vhost-net");
}

/* Frames the host socket dropped since the last call */
static unsigned int net_drops(void)
{
	struct tpacket_stats st;
	socklen_t len = sizeof(st);

	if (getsockopt(b.sock, SOL_PACKET, PACKET_STATISTICS, &st, &len))
		fail("PACKET_STATISTICS");
	return st.tp_drops;
}

static void net_send(size_t payload)
{
	struct net_frame *f = &b.out.frame;

	memset(&f->vnet, 0, sizeof(f->vnet));
	memcpy(f->eth.h_dest, b.mac, ETH_ALEN);
	memcpy(f->eth.h_source, guest_mac, ETH_ALEN);
	f->eth.h_proto = htons(ETH_P_TEST);
	if (vq_add_out(b.tx, f, offsetof(struct net_frame, payload) + payload) < 0)
		fail("post a TX buffer");
	b.frames_sent++;
}

/*
 * Take one frame from the RX used ring, if there is one, and post the buffer
 * again.  Returns true if it was an echo of @seq (with @seq < 0: any frame).
 */
static bool net_rx_one(bool *got, int64_t seq)
{
	struct net_frame *f;
	uint32_t len, s;
	bool match;
	int id;

	*got = false;
	id = vq_get_used(b.rx, &len);
	if (id < 0) {
		if (errno != EAGAIN)
			fail("RX used ring");
		return false;
	}
	*got = true;
	f = (void *)b.rx->buf[id];
	memcpy(&s, f->payload, sizeof(s));
	match = seq >= 0 &&
		len == offsetof(struct net_frame, payload) + PING_SIZE &&
		f->eth.h_proto == htons(ETH_P_TEST) &&
		!memcmp(f->eth.h_dest, guest_mac, ETH_ALEN) && s == seq;
	post_rx();
	return match;
}

static void net_throughput(void)
{
	int64_t t0, t1, end, now, quiet;
	uint64_t host_bytes, msgs, last;
	struct stall s = { 0 };
	unsigned int drops;
	struct windows w;
	bool progress, got;

	memset(b.out.frame.payload, 0x5a, b.size);
	net_drops();		/* reset the counter */
	start_host(net_sink);
	t0 = now_ns();
	end = t0 + (int64_t)(b.secs * NSEC);
	win_start(&w, t0, b.secs);
	for (;;) {
		now = now_ns();
		if (now >= end)
			break;
		win_tick(&w, now);
		progress = reclaim_tx() > 0;
		while (net_rx_one(&got, -1), got)
			progress = true;
		flush_rx();
		if (!tx_full()) {
			while (!tx_full())
				net_send(b.size);
			kick(b.tx);
			progress = true;
		}
		if (progress) {
			s.since = 0;
			continue;
		}
		check_host();
		stalled(&s, b.busy_tput, "throughput: the device made no progress");
	}
	t1 = now_ns();
	host_bytes = __atomic_load_n(&b.host_bytes, __ATOMIC_ACQUIRE);

	/* Let the host read what is queued: until 100 ms without a frame. */
	last = __atomic_load_n(&b.host_msgs, __ATOMIC_ACQUIRE);
	quiet = now_ns();
	while (now_ns() - quiet < 100000000LL) {
		reclaim_tx();
		while (net_rx_one(&got, -1), got)
			;
		flush_rx();
		usleep(10000);
		msgs = __atomic_load_n(&b.host_msgs, __ATOMIC_ACQUIRE);
		if (msgs != last) {
			last = msgs;
			quiet = now_ns();
		}
	}
	stop_host();
	check_host();
	drops = net_drops();
	win_tick(&w, t1);
	result("tx_throughput", "%.1f", host_bytes * 1e3 / (t1 - t0), "MB/s");
	result("tx_throughput_best", "%.1f", w.best, "MB/s");
	/* What the guest sent: the device's rate, when the host drops frames */
	result("tx_offered", "%.1f",
	       (double)b.frames_sent * b.size * 1e3 / (t1 - t0), "MB/s");
	result("host_drops", "%.0f", drops, "count");
}

static double net_ping(uint32_t seq)
{
	struct stall s = { 0 };
	int64_t t0, t1;
	bool got;

	memset(b.out.frame.payload, 0, PING_SIZE);
	memcpy(b.out.frame.payload, &seq, sizeof(seq));
	t0 = now_ns();
	if (tx_full() && !reclaim_tx())
		fail_errno("latency: TX ring full", ENOSPC);
	net_send(PING_SIZE);
	kick(b.tx);
	for (;;) {
		if (net_rx_one(&got, seq)) {
			t1 = now_ns();
			break;
		}
		if (!got)
			stalled(&s, !b.wait_lat, "latency: no echo");
	}
	flush_rx();
	reclaim_tx();
	return (t1 - t0) / 1e3;
}

/*
 * -n round trips (after WARMUP unrecorded ones), each @ping with the host
 * thread @echo answering, until -t seconds have passed.
 */
static void latency(void *(*echo)(void *), double (*ping)(uint32_t seq))
{
	int64_t end = now_ns() + (int64_t)(b.secs * NSEC);
	double *rtt = calloc(b.n, sizeof(*rtt));
	unsigned int i;

	if (!rtt)
		fail("calloc");
	start_host(echo);
	for (i = 0; i < WARMUP; i++) {
		ping(i);
		check_host();
	}
	for (i = 0; i < b.n && now_ns() < end; i++) {
		rtt[i] = ping(WARMUP + i);
		check_host();
	}
	stop_host();
	report_rtt(rtt, i);
	free(rtt);
}

/* Common */

static void skip(const char *why)
{
	printf("bench: skip %s\n", why);
	exit(4);
}

/* Features in the mode's order, memory table, rings, IOTLB; then start. */
static void configure_and_start(void)
{
	uint64_t features = VERSION_1, offered, backend = IOTLB_MSG_V2;
	struct vdev *d = &b.d;
	unsigned int i;

	if (b.mode != PLAIN)
		features |= ACCESS_PLATFORM;
	if (ioctl(d->fd, VHOST_GET_FEATURES, &offered))
		fail("VHOST_GET_FEATURES");
	if ((offered & features) != features)
		fail_errno("VHOST_GET_FEATURES: features not offered", EOPNOTSUPP);
	if (ioctl(d->fd, VHOST_SET_OWNER, NULL))
		fail("VHOST_SET_OWNER");
	if (b.mode == QEMU) {
		if (ioctl(d->fd, VHOST_GET_BACKEND_FEATURES, &offered))
			fail("VHOST_GET_BACKEND_FEATURES");
		if (!(offered & IOTLB_MSG_V2))
			fail_errno("IOTLB_MSG_V2 not offered", EOPNOTSUPP);
	}
	if (ioctl(d->fd, VHOST_SET_FEATURES, &features))
		fail("VHOST_SET_FEATURES");
	if (b.mode == QEMU &&
	    ioctl(d->fd, VHOST_SET_BACKEND_FEATURES, &backend))
		fail("VHOST_SET_BACKEND_FEATURES");
	if (vdev_set_mem_table(d))
		fail("VHOST_SET_MEM_TABLE");
	for (i = 0; i < MAX_VQS; i++)
		if (vdev_set_vring(d, i))
			fail("set up a vring");
	/* All of the driver's memory, rings and buffers, in one mapping */
	if (b.mode == QEMU &&
	    vdev_iotlb_update(d, VHOST_IOTLB_MSG_V2, d->mem, d->mem_size))
		fail("VHOST_IOTLB_UPDATE");

	b.rx = &d->vqs[RXQ];
	b.tx = &d->vqs[TXQ];
	while (vq_add_in(b.rx) >= 0)
		;

	if (b.dev == VSOCK) {
		int running = 1;

		vsock_set_cid();
		if (ioctl(d->fd, VHOST_VSOCK_SET_RUNNING, &running)) {
			if (b.mode == CROSVM && errno == EFAULT)
				skip("VHOST_VSOCK_SET_RUNNING(1): EFAULT: this kernel enables the device IOTLB on ACCESS_PLATFORM alone");
			fail("VHOST_VSOCK_SET_RUNNING");
		}
	} else {
		struct vhost_vring_file backend_fd = { .fd = b.tap };

		for (i = 0; i < MAX_VQS; i++) {
			backend_fd.index = i;
			if (!ioctl(d->fd, VHOST_NET_SET_BACKEND, &backend_fd))
				continue;
			if (b.mode == CROSVM && errno == EFAULT)
				skip("VHOST_NET_SET_BACKEND: EFAULT: this kernel enables the device IOTLB on ACCESS_PLATFORM alone");
			fail("VHOST_NET_SET_BACKEND");
		}
	}
	watch_device();
	if (vq_kick(b.rx))
		fail("kick");
}

static void usage(void)
{
	fprintf(stderr, "usage: vhost_bench <vsock|net> <crosvm|qemu|plain> [-t seconds] [-s payload bytes] [-n round trips] [-b] [-P] [-T] [-w]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static char name[32];
	bool pin_tput = false;
	size_t max_size;
	int opt;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 3)
		usage();
	if (!strcmp(argv[1], "vsock"))
		b.dev = VSOCK;
	else if (!strcmp(argv[1], "net"))
		b.dev = NET;
	else
		usage();
	for (b.mode = 0; b.mode <= PLAIN; b.mode++)
		if (!strcmp(argv[2], mode_names[b.mode]))
			break;
	if (b.mode > PLAIN)
		usage();
	b.secs = 3;
	b.size = 4000;
	b.n = 2000;
	optind = 3;
	b.pin = sysconf(_SC_NPROCESSORS_ONLN) >= 2;
	while ((opt = getopt(argc, argv, "t:s:n:bPTw")) != -1) {
		switch (opt) {
		case 't': b.secs = atof(optarg); break;
		case 's': b.size = strtoul(optarg, NULL, 0); break;
		case 'n': b.n = strtoul(optarg, NULL, 0); break;
		case 'b': b.busy_tput = true; break;
		case 'P': b.pin = false; break;
		case 'T': pin_tput = true; break;
		case 'w': b.wait_lat = true; break;
		default: usage();
		}
	}
	max_size = b.dev == VSOCK ? sizeof(b.out.vpkt.payload) :
				    sizeof(b.out.frame.payload);
	if (b.secs <= 0 || b.secs > 60 || !b.n || b.size < PING_SIZE)
		usage();
	/* A message is one descriptor: at most BUF_SIZE with its headers. */
	if (b.size > max_size)
		b.size = max_size;
	snprintf(name, sizeof(name), "%s.%s", argv[1], argv[2]);
	b.name = name;

	signal(SIGALRM, on_alarm);
	alarm((unsigned int)(3 * b.secs) + 9);
	signal(SIGPIPE, SIG_IGN);

	if (b.dev == VSOCK)
		vsock_setup();
	else
		net_setup();
	configure_and_start();
	if (b.dev == VSOCK)
		vsock_connect();
	printf("bench: %s.setup ok\n", b.name);
	if (b.size != 4000)
		result("payload", "%.0f", b.size, "bytes");

	set_pinning(pin_tput, HOST_CPU);
	if (b.dev == VSOCK)
		vsock_throughput();
	else
		net_throughput();
	set_pinning(true, HOST_CPU);
	b.rtt = "rtt";
	if (b.dev == VSOCK)
		latency(vsock_echo, vsock_ping);
	else
		latency(net_echo, net_ping);
	if (b.pin) {
		/*
		 * Every thread on one CPU, SCHED_FIFO at one priority: a thread
		 * runs until it sleeps, so the order is the path's.  The last
		 * phase: b.fifo stays set, and nothing may spin after it.
		 */
		b.fifo = true;
		set_pinning(true, GUEST_CPU);
		b.rtt = "rtt1";
		b.wait_lat = true;
		if (b.dev == VSOCK)
			latency(vsock_echo, vsock_ping);
		else
			latency(net_echo, net_ping);
	}
	if (b.mode == QEMU)
		printf("bench: %s.iotlb_misses %u count\n", b.name, b.d.nmisses);
	return 0;
}
