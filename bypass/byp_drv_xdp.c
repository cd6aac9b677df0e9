/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The XDP software bypass driver: loads byp_xdp.bpf.c (embedded in the binary as a bpftool
 * skeleton), attaches it natively to the kernel interface of every link-pair port and drives
 * it through its state record, which it maps into memory (byp_xdp.h).
 *
 * Maps and program are pinned under the pin directory. A daemon that starts where pins exist
 * reuses the maps, so the state the last one left (bypass, latched by the watchdog when it
 * died) carries over, and replaces the attached program with its own in one atomic swap
 * (XDP_FLAGS_REPLACE): the wire never goes without a program. It replaces only a program it
 * recognises as Rampart's (the pinned one, or one of the same name whose pins were lost),
 * never another tool's.
 *
 * The attachment is a netlink one, not a bpf_link, so it outlives the process: that is what
 * keeps the wire up after kill -9.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#include <linux/if_link.h>
#include <linux/magic.h>
#include <net/if.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "byp.h"
#include "byp_xdp.h"
#include "byp_xdp.skel.h"

#define XDP_MAX_IFS (2 * CFG_MAX_LINK_PAIRS)

struct xdp_if {
	char name[BYP_IFNAME_MAX];
	int ifindex;
	int peer;     /* index into ifs of the paired port */
	uint32_t dir; /* BYP_XDP_DIR_* */
	uint32_t pair;
	bool attached_now; /* this probe attached where nothing was */
};

struct drv_xdp {
	struct byp_driver base;
	struct byp_xdp_conf conf; /* [R] */
	struct byp_xdp_bpf *skel;
	struct byp_xdp_state *st; /* the mapped state record; [a] fields */
	size_t st_len;
	unsigned int n_if;
	struct xdp_if ifs[XDP_MAX_IFS];
	int ncpus;
	uint32_t wd_mode; /* BYP_XDP_MODE_*: where the watchdog latches, written at probe */
	char found[96];   /* what probe found: for status */
};

/* libbpf's own messages: nothing is printed; the first warning since the last reset is kept to
 * explain a failure (the ones after it are mostly its consequences). */
static __thread char libbpf_first[160];

static int
libbpf_quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	size_t n;

	if (level == LIBBPF_DEBUG || libbpf_first[0] != '\0')
		return 0;
	vsnprintf(libbpf_first, sizeof(libbpf_first), fmt, ap);
	n = strlen(libbpf_first);
	while (n > 0 && libbpf_first[n - 1] == '\n')
		libbpf_first[--n] = '\0';
	return 0;
}

static uint64_t
mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void
pin_file(const struct drv_xdp *d, const char *name, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s", d->conf.pin_dir, name);
}

/* mkdir -p for the pin directory (its last two levels at most: pin_path and the node id). */
static int
pin_dir_make(const char *dir, char *err, size_t errlen)
{
	char parent[sizeof(((struct byp_xdp_conf *)0)->pin_dir)];
	struct statfs sfs;
	char *slash;

	snprintf(parent, sizeof(parent), "%s", dir);
	slash = strrchr(parent, '/');
	if (slash != NULL && slash != parent) {
		*slash = '\0';
		if (mkdir(parent, 0700) < 0 && errno != EEXIST) {
			int e = errno;

			snprintf(err, errlen, "bypass pin directory %s: %s", parent, strerror(e));
			return -e;
		}
	}
	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		int e = errno;

		snprintf(err, errlen, "bypass pin directory %s: %s", dir, strerror(e));
		return -e;
	}
	if (statfs(dir, &sfs) < 0) {
		int e = errno;

		snprintf(err, errlen, "bypass pin directory %s: %s", dir, strerror(e));
		return -e;
	}
	if ((unsigned long)sfs.f_type != (unsigned long)BPF_FS_MAGIC) {
		snprintf(err, errlen,
		         "bypass pin directory %s is not on a bpf filesystem (mount -t "
		         "bpf bpf %s, or set bypass.pin_path to one)",
		         dir, dir);
		return -ENOTSUP;
	}
	return 0;
}

static void
pins_remove(const struct drv_xdp *d)
{
	static const char *const names[] = { BYP_XDP_MAP_STATE, BYP_XDP_MAP_PORTS, BYP_XDP_MAP_TX,
		                             BYP_XDP_MAP_CTR, BYP_XDP_PROG };
	char path[sizeof(d->conf.pin_dir) + 32];

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		pin_file(d, names[i], path, sizeof(path));
		unlink(path);
	}
}

/*
 * Is the pinned state map one this code can reuse? @return 1 (yes, a record of this layout),
 * 0 (no pins), -EPROTO (pins of another layout or not ours: to be replaced), -errno.
 */
static int
pinned_state_check(struct drv_xdp *d, struct byp_xdp_state *val)
{
	char path[sizeof(d->conf.pin_dir) + 32];
	struct bpf_map_info info;
	uint32_t len = sizeof(info), zero = 0;
	int fd, ret;

	pin_file(d, BYP_XDP_MAP_STATE, path, sizeof(path));
	if (access(path, F_OK) < 0)
		return errno == ENOENT ? 0 : -errno;
	fd = bpf_obj_get(path);
	if (fd < 0)
		return -EPROTO; /* not a map (another kind of object pinned there) */
	memset(&info, 0, sizeof(info));
	ret = bpf_obj_get_info_by_fd(fd, &info, &len);
	if (ret == 0 && (info.type != BPF_MAP_TYPE_ARRAY || info.value_size != sizeof(*val) ||
	                 info.max_entries != 1 || !(info.map_flags & BPF_F_MMAPABLE)))
		ret = -EPROTO;
	if (ret == 0 && bpf_map_lookup_elem(fd, &zero, val) < 0)
		ret = -errno;
	close(fd);
	if (ret < 0)
		return ret == -EPROTO ? ret : -EPROTO;
	ret = byp_xdp_state_check(val, sizeof(*val));
	if (ret == -ENODATA)
		return 1; /* created, never written: reuse, initialise below */
	return ret == 0 ? 1 : -EPROTO;
}

/* The id of the program pinned by an earlier run, 0 when none. */
static uint32_t
pinned_prog_id(const struct drv_xdp *d)
{
	char path[sizeof(d->conf.pin_dir) + 32];
	struct bpf_prog_info info;
	uint32_t len = sizeof(info);
	int fd;

	pin_file(d, BYP_XDP_PROG, path, sizeof(path));
	fd = bpf_obj_get(path);
	if (fd < 0)
		return 0;
	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(fd, &info, &len) < 0)
		info.id = 0;
	close(fd);
	return info.id;
}

/* Is program @id Rampart's bypass: the pinned one, or one of its name whose pins are gone? */
static bool
prog_is_ours(uint32_t id, uint32_t pinned_id, int *fd_out)
{
	struct bpf_prog_info info;
	uint32_t len = sizeof(info);
	int fd = bpf_prog_get_fd_by_id(id);

	*fd_out = -1;
	if (fd < 0)
		return false;
	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(fd, &info, &len) < 0) {
		close(fd);
		return false;
	}
	if (id == pinned_id || strcmp(info.name, BYP_XDP_PROG) == 0) {
		*fd_out = fd;
		return true;
	}
	close(fd);
	return false;
}

static int
ifs_resolve(struct drv_xdp *d, char *err, size_t errlen)
{
	d->n_if = 0;
	for (unsigned int p = 0; p < d->conf.n_pairs; p++) {
		const char *names[2] = { d->conf.pairs[p].upstream, d->conf.pairs[p].protected };

		for (unsigned int s = 0; s < 2; s++) {
			struct xdp_if *x = &d->ifs[d->n_if];

			snprintf(x->name, sizeof(x->name), "%s", names[s]);
			x->ifindex = (int)if_nametoindex(names[s]);
			if (x->ifindex == 0) {
				int e = errno;

				snprintf(err, errlen, "bypass xdp: interface %s: %s", names[s],
				         strerror(e));
				return -e;
			}
			for (unsigned int i = 0; i < d->n_if; i++) {
				if (d->ifs[i].ifindex == x->ifindex) {
					snprintf(err, errlen,
					         "bypass xdp: interface %s is in two "
					         "link pairs",
					         names[s]);
					return -EINVAL;
				}
			}
			x->dir = s == 0 ? BYP_XDP_DIR_INBOUND : BYP_XDP_DIR_OUTBOUND;
			x->pair = p;
			x->peer = (int)(s == 0 ? d->n_if + 1 : d->n_if - 1);
			d->n_if++;
		}
	}
	if (d->n_if == 0) {
		snprintf(err, errlen, "bypass xdp: no link pair to attach to");
		return -EINVAL;
	}
	return 0;
}

static bool
ifindex_configured(const struct drv_xdp *d, uint32_t ifindex)
{
	for (unsigned int i = 0; i < d->n_if; i++)
		if ((uint32_t)d->ifs[i].ifindex == ifindex)
			return true;
	return false;
}

/* Fill the port and devmap maps with this config, dropping entries an older one left. */
static int
maps_fill(struct drv_xdp *d, char *err, size_t errlen)
{
	int pfd = bpf_map__fd(d->skel->maps.byp_ports), tfd = bpf_map__fd(d->skel->maps.byp_tx);
	uint32_t key, next, stale[BYP_XDP_MAX_PORTS];
	unsigned int n_stale = 0;
	void *prev = NULL;

	while (n_stale < BYP_XDP_MAX_PORTS && bpf_map_get_next_key(pfd, prev, &next) == 0) {
		if (!ifindex_configured(d, next))
			stale[n_stale++] = next;
		key = next;
		prev = &key;
	}
	for (unsigned int i = 0; i < n_stale; i++) {
		bpf_map_delete_elem(pfd, &stale[i]);
		bpf_map_delete_elem(tfd, &stale[i]);
	}
	for (unsigned int i = 0; i < d->n_if; i++) {
		const struct xdp_if *x = &d->ifs[i];
		struct byp_xdp_port port = {
			.peer_ifindex = (uint32_t)d->ifs[x->peer].ifindex,
			.dir = x->dir,
			.pair = x->pair,
		};
		uint32_t k = (uint32_t)x->ifindex, v = port.peer_ifindex;

		if (bpf_map_update_elem(pfd, &k, &port, BPF_ANY) < 0 ||
		    bpf_map_update_elem(tfd, &k, &v, BPF_ANY) < 0) {
			int e = errno;

			snprintf(err, errlen, "bypass xdp: pairing %s with %s: %s", x->name,
			         d->ifs[x->peer].name, strerror(e));
			return -e;
		}
	}
	return 0;
}

/* Attach the new program to every interface; on failure, detach where this probe attached. */
static int
attach_all(struct drv_xdp *d, char *err, size_t errlen)
{
	int fd = bpf_program__fd(d->skel->progs.byp_xdp);
	uint32_t pinned = pinned_prog_id(d);
	int ret = 0;
	unsigned int i;

	libbpf_first[0] = '\0';
	for (i = 0; i < d->n_if; i++) {
		struct xdp_if *x = &d->ifs[i];
		uint32_t cur = 0, skb = 0;
		int old_fd;

		if (bpf_xdp_query_id(x->ifindex, XDP_FLAGS_SKB_MODE, &skb) == 0 && skb != 0) {
			snprintf(err, errlen,
			         "bypass xdp: interface %s runs a generic-mode XDP "
			         "program (id %u): the bypass needs native mode",
			         x->name, skb);
			ret = -EBUSY;
			break;
		}
		ret = bpf_xdp_query_id(x->ifindex, XDP_FLAGS_DRV_MODE, &cur);
		if (ret < 0) {
			snprintf(err, errlen, "bypass xdp: interface %s: cannot query XDP: %s",
			         x->name, strerror(-ret));
			break;
		}
		if (cur == 0) {
			ret = bpf_xdp_attach(x->ifindex, fd,
			                     XDP_FLAGS_DRV_MODE | XDP_FLAGS_UPDATE_IF_NOEXIST,
			                     NULL);
			x->attached_now = ret == 0;
		} else if (prog_is_ours(cur, pinned, &old_fd)) {
			LIBBPF_OPTS(bpf_xdp_attach_opts, opts, .old_prog_fd = old_fd);

			ret = bpf_xdp_attach(x->ifindex, fd, XDP_FLAGS_DRV_MODE | XDP_FLAGS_REPLACE,
			                     &opts);
			close(old_fd);
		} else {
			snprintf(err, errlen,
			         "bypass xdp: interface %s already runs XDP program id "
			         "%u, which is not Rampart's bypass: refusing to replace it",
			         x->name, cur);
			ret = -EBUSY;
			break;
		}
		if (ret < 0) {
			snprintf(err, errlen, "bypass xdp: attaching natively to %s: %s%s%s",
			         x->name, strerror(-ret), libbpf_first[0] ? "; " : "",
			         libbpf_first);
			break;
		}
	}
	if (ret == 0)
		return 0;
	for (unsigned int j = 0; j < i; j++) {
		if (d->ifs[j].attached_now)
			bpf_xdp_detach(d->ifs[j].ifindex, XDP_FLAGS_DRV_MODE, NULL);
		d->ifs[j].attached_now = false;
	}
	return ret;
}

/*
 * Reuse the map pinned at its name, if there is one of the same kind. libbpf's own reuse
 * (bpf_map__set_pin_path) is not used: libbpf 1.1 refuses a pinned devmap because the kernel
 * adds BPF_F_RDONLY_PROG to its flags. @return 1 reused, 0 no pin, -EPROTO a pin that does not
 * fit (another layout, or not a map).
 */
static int
map_reuse(struct drv_xdp *d, struct bpf_map *m)
{
	char path[sizeof(d->conf.pin_dir) + 32];
	struct bpf_map_info info;
	uint32_t len = sizeof(info);
	int fd, ret;

	pin_file(d, bpf_map__name(m), path, sizeof(path));
	fd = bpf_obj_get(path);
	if (fd < 0)
		return errno == ENOENT ? 0 : -EPROTO;
	memset(&info, 0, sizeof(info));
	ret = bpf_obj_get_info_by_fd(fd, &info, &len);
	if (ret == 0 && (info.type != bpf_map__type(m) || info.key_size != bpf_map__key_size(m) ||
	                 info.value_size != bpf_map__value_size(m) ||
	                 info.max_entries != bpf_map__max_entries(m) ||
	                 (info.map_flags & ~(uint32_t)BPF_F_RDONLY_PROG) != bpf_map__map_flags(m)))
		ret = -EPROTO;
	if (ret == 0)
		ret = bpf_map__reuse_fd(m, fd) == 0 ? 1 : -EPROTO;
	else
		ret = -EPROTO;
	close(fd);
	return ret;
}

/*
 * Open the embedded object, reuse the pins that fit, load, and pin the maps that are new.
 * @return 0, -EPROTO (a pin did not fit: nothing was loaded), or -errno.
 */
static int
skel_load(struct drv_xdp *d, char *err, size_t errlen)
{
	char path[sizeof(d->conf.pin_dir) + 32];
	struct bpf_map *maps[4];
	bool reused[4];
	int ret;

	d->skel = byp_xdp_bpf__open();
	if (d->skel == NULL) {
		ret = -errno;
		snprintf(err, errlen, "bypass xdp: opening the embedded program: %s",
		         strerror(-ret));
		return ret;
	}
	maps[0] = d->skel->maps.byp_state;
	maps[1] = d->skel->maps.byp_ports;
	maps[2] = d->skel->maps.byp_tx;
	maps[3] = d->skel->maps.byp_ctr;
	for (size_t i = 0; i < 4; i++) {
		ret = map_reuse(d, maps[i]);
		if (ret < 0)
			return ret;
		reused[i] = ret == 1;
	}
	libbpf_first[0] = '\0';
	ret = byp_xdp_bpf__load(d->skel);
	if (ret < 0) {
		snprintf(err, errlen, "bypass xdp: loading the program: %s%s%s", strerror(-ret),
		         libbpf_first[0] ? "; " : "", libbpf_first);
		return ret;
	}
	for (size_t i = 0; i < 4; i++) {
		if (reused[i])
			continue;
		pin_file(d, bpf_map__name(maps[i]), path, sizeof(path));
		unlink(path);
		ret = bpf_map__pin(maps[i], path);
		if (ret < 0) {
			snprintf(err, errlen, "bypass xdp: pinning %s: %s", path, strerror(-ret));
			return ret;
		}
	}
	return 0;
}

static int
xdp_probe(struct byp_driver *drv, char *err, size_t errlen)
{
	struct drv_xdp *d = (struct drv_xdp *)drv;
	char path[sizeof(d->conf.pin_dir) + 32];
	struct byp_xdp_state found;
	long page = sysconf(_SC_PAGESIZE);
	uint64_t now = mono_ns();
	int ret, pins;

	libbpf_set_print(libbpf_quiet);
	ret = ifs_resolve(d, err, errlen);
	if (ret == 0)
		ret = pin_dir_make(d->conf.pin_dir, err, errlen);
	if (ret < 0)
		return ret;
	memset(&found, 0, sizeof(found));
	pins = pinned_state_check(d, &found);
	if (pins == -EPROTO) {
		/* Another layout (an older Rampart) or a foreign object: start afresh. The
		 * program attached, if it is ours, is still swapped atomically below. */
		pins_remove(d);
		snprintf(d->found, sizeof(d->found), "pins of another layout replaced");
		pins = 0;
	} else if (pins < 0) {
		snprintf(err, errlen, "bypass xdp: reading the pinned state in %s: %s",
		         d->conf.pin_dir, strerror(-pins));
		return pins;
	}
	d->ncpus = libbpf_num_possible_cpus();
	if (d->ncpus <= 0) {
		snprintf(err, errlen, "bypass xdp: cannot count the CPUs");
		return d->ncpus < 0 ? d->ncpus : -EINVAL;
	}
	ret = skel_load(d, err, errlen);
	if (ret == -EPROTO) {
		/* A pin that does not fit (an older layout): replace them all, once. */
		byp_xdp_bpf__destroy(d->skel);
		d->skel = NULL;
		pins_remove(d);
		snprintf(d->found, sizeof(d->found), "pins of another layout replaced");
		ret = skel_load(d, err, errlen);
		if (ret == -EPROTO)
			snprintf(err, errlen, "bypass xdp: the pins in %s cannot be replaced",
			         d->conf.pin_dir);
	}
	if (ret < 0)
		return ret;

	d->st_len =
		((sizeof(struct byp_xdp_state) + (size_t)page - 1) / (size_t)page) * (size_t)page;
	d->st = mmap(NULL, d->st_len, PROT_READ | PROT_WRITE, MAP_SHARED,
	             bpf_map__fd(d->skel->maps.byp_state), 0);
	if (d->st == MAP_FAILED) {
		ret = -errno;
		d->st = NULL;
		snprintf(err, errlen, "bypass xdp: mapping the state record: %s", strerror(-ret));
		return ret;
	}
	if (d->st->magic != BYP_XDP_MAGIC) {
		/* A new record: bypass until the manager decides otherwise. */
		d->st->layout = BYP_XDP_LAYOUT;
		d->st->set_by = BYP_XDP_BY_LOADER;
		d->st->heartbeat_ns = now;
		d->st->mode_ns = now;
		__atomic_store_n(&d->st->mode, BYP_XDP_MODE_BYPASS, __ATOMIC_SEQ_CST);
		__atomic_store_n(&d->st->magic, BYP_XDP_MAGIC, __ATOMIC_SEQ_CST);
	} else if (d->found[0] == '\0') {
		snprintf(d->found, sizeof(d->found), "found pinned state: %s%s, %llu expiries",
		         found.mode == BYP_XDP_MODE_INLINE       ? "inline"
		         : found.mode == BYP_XDP_MODE_DISCONNECT ? "disconnect"
		                                                 : "bypass",
		         found.mode != BYP_XDP_MODE_INLINE && found.set_by == BYP_XDP_BY_WATCHDOG
		                 ? " (watchdog)"
		                 : "",
		         (unsigned long long)found.expiries);
	}
	__atomic_store_n(&d->st->wd_mode, d->wd_mode, __ATOMIC_SEQ_CST);
	__atomic_store_n(&d->st->watchdog_ns, d->conf.watchdog_ns, __ATOMIC_SEQ_CST);

	ret = maps_fill(d, err, errlen);
	if (ret == 0)
		ret = attach_all(d, err, errlen);
	if (ret < 0)
		return ret;
	pin_file(d, BYP_XDP_PROG, path, sizeof(path));
	unlink(path);
	ret = bpf_program__pin(d->skel->progs.byp_xdp, path);
	if (ret < 0) {
		/* Attached and working; only a later restart loses the way to recognise it,
		 * and it still finds it by name. Not worth failing the start for. */
		snprintf(d->found + strlen(d->found), sizeof(d->found) - strlen(d->found),
		         "%sprogram not pinned: %s", d->found[0] ? "; " : "", strerror(-ret));
	}
	return 0;
}

static void
mode_set(struct drv_xdp *d, uint32_t mode)
{
	d->st->set_by = BYP_XDP_BY_LOADER;
	d->st->mode_ns = mono_ns();
	__atomic_store_n(&d->st->mode, mode, __ATOMIC_SEQ_CST);
}

static int
xdp_arm(struct byp_driver *drv, uint64_t now_ns)
{
	struct drv_xdp *d = (struct drv_xdp *)drv;

	if (d->st == NULL)
		return -ENODEV;
	/* A fresh heartbeat before the mode: the program must not find inline with a stale one. */
	__atomic_store_n(&d->st->heartbeat_ns, now_ns, __ATOMIC_SEQ_CST);
	mode_set(d, BYP_XDP_MODE_INLINE);
	return 0;
}

static int
xdp_engage(struct byp_driver *drv)
{
	struct drv_xdp *d = (struct drv_xdp *)drv;

	if (d->st == NULL)
		return -ENODEV;
	mode_set(d, BYP_XDP_MODE_BYPASS);
	return 0;
}

static int
xdp_disconnect(struct byp_driver *drv)
{
	struct drv_xdp *d = (struct drv_xdp *)drv;

	if (d->st == NULL)
		return -ENODEV;
	mode_set(d, BYP_XDP_MODE_DISCONNECT);
	return 0;
}

static int
xdp_failsafe(struct byp_driver *drv, enum byp_state state)
{
	struct drv_xdp *d = (struct drv_xdp *)drv;

	d->wd_mode = state == BYP_STATE_DISCONNECT ? BYP_XDP_MODE_DISCONNECT : BYP_XDP_MODE_BYPASS;
	if (d->st != NULL)
		__atomic_store_n(&d->st->wd_mode, d->wd_mode, __ATOMIC_SEQ_CST);
	return 0;
}

static void
xdp_heartbeat(struct byp_driver *drv, uint64_t now_ns)
{
	struct byp_xdp_state *st = __atomic_load_n(&((struct drv_xdp *)drv)->st, __ATOMIC_ACQUIRE);

	if (st != NULL)
		__atomic_store_n(&st->heartbeat_ns, now_ns, __ATOMIC_RELEASE);
}

static int
counters_read(struct drv_xdp *d, uint64_t sums[BYP_XDP_CTR__MAX])
{
	int fd = bpf_map__fd(d->skel->maps.byp_ctr);
	uint64_t *vals = calloc((size_t)d->ncpus, sizeof(*vals));

	if (vals == NULL)
		return -ENOMEM;
	for (uint32_t k = 0; k < BYP_XDP_CTR__MAX; k++) {
		sums[k] = 0;
		if (bpf_map_lookup_elem(fd, &k, vals) < 0)
			continue;
		for (int c = 0; c < d->ncpus; c++)
			sums[k] += vals[c];
	}
	free(vals);
	return 0;
}

static int
xdp_status(struct byp_driver *drv, struct byp_drv_status *st)
{
	struct drv_xdp *d = (struct drv_xdp *)drv;
	uint64_t c[BYP_XDP_CTR__MAX];
	uint32_t mode;
	size_t off;

	memset(st, 0, sizeof(*st));
	if (d->st == NULL)
		return -ENODEV;
	mode = __atomic_load_n(&d->st->mode, __ATOMIC_SEQ_CST);
	st->state = mode == BYP_XDP_MODE_INLINE       ? BYP_STATE_INLINE
	            : mode == BYP_XDP_MODE_DISCONNECT ? BYP_STATE_DISCONNECT
	                                              : BYP_STATE_BYPASS;
	st->by_watchdog = mode != BYP_XDP_MODE_INLINE && d->st->set_by == BYP_XDP_BY_WATCHDOG;
	st->expiries = __atomic_load_n(&d->st->expiries, __ATOMIC_RELAXED);
	st->latched_ns = d->st->latched_ns;
	st->heartbeat_ns = __atomic_load_n(&d->st->heartbeat_ns, __ATOMIC_RELAXED);
	if (counters_read(d, c) == 0) {
		st->has_counters = true;
		st->passed = c[BYP_XDP_CTR_PASSED];
		st->bypassed_in = c[BYP_XDP_CTR_BYPASS_IN];
		st->bypassed_out = c[BYP_XDP_CTR_BYPASS_OUT];
		st->disconnect_drops = c[BYP_XDP_CTR_DISCONNECT_DROP];
		st->errors = c[BYP_XDP_CTR_REDIRECT_FAIL] + c[BYP_XDP_CTR_NO_STATE];
	}
	off = (size_t)snprintf(st->detail, sizeof(st->detail), "native on");
	for (unsigned int i = 0; i < d->n_if && off < sizeof(st->detail); i++)
		off += (size_t)snprintf(st->detail + off, sizeof(st->detail) - off, "%s%s",
		                        i > 0 ? "," : " ", d->ifs[i].name);
	if (d->found[0] != '\0' && off < sizeof(st->detail))
		snprintf(st->detail + off, sizeof(st->detail) - off, "; %s", d->found);
	return 0;
}

static void
xdp_release(struct byp_driver *drv)
{
	struct drv_xdp *d = (struct drv_xdp *)drv;

	if (d->st != NULL)
		munmap(d->st, d->st_len);
	/* Closes our descriptors only: the pins and the netlink attachments stay. */
	byp_xdp_bpf__destroy(d->skel);
	free(d);
}

static const struct byp_driver_ops xdp_ops = {
	.name = "xdp",
	.probe = xdp_probe,
	.arm = xdp_arm,
	.engage = xdp_engage,
	.disconnect = xdp_disconnect,
	.status = xdp_status,
	.failsafe = xdp_failsafe,
	.heartbeat = xdp_heartbeat,
	.release = xdp_release,
};

struct byp_driver *
byp_drv_xdp_create(const struct byp_xdp_conf *conf)
{
	struct drv_xdp *d;

	if (conf == NULL || conf->pin_dir[0] != '/' || conf->n_pairs > CFG_MAX_LINK_PAIRS) {
		errno = EINVAL;
		return NULL;
	}
	d = calloc(1, sizeof(*d));
	if (d == NULL)
		return NULL;
	d->base.ops = &xdp_ops;
	d->conf = *conf;
	return &d->base;
}
