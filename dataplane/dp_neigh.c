/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * l3 link pairs: next hops and the neighbour table.
 *
 * The table is an rte_hash with lock-free readers, keyed by port, family and address; its data
 * word holds the neighbour's MAC, so a worker resolves a next hop with one bulk lookup and no
 * second memory access, and a refresh that changes the MAC is one atomic store. Writers (the
 * HA coordinator) and walkers take a lock the workers never see. A deleted key's slot is
 * recycled only after an RCU grace period, once no worker can still be reading it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <urcu-qsbr.h>

#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_hash_crc.h>
#include <rte_malloc.h>

#include "dp_priv.h"

struct dp_neigh_table *
dp_neigh_table_create(const char *name, uint32_t capacity, int socket, uint64_t hz)
{
	struct rte_hash_parameters prm = {
		.name = name,
		.entries = capacity,
		.key_len = sizeof(struct dp_neigh_key),
		.hash_func = rte_hash_crc,
		.socket_id = socket,
		.extra_flag = RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF |
		              RTE_HASH_EXTRA_FLAGS_NO_FREE_ON_DEL | RTE_HASH_EXTRA_FLAGS_EXT_TABLE,
	};
	pthread_mutexattr_t attr;
	struct dp_neigh_table *t;
	int err = ENOMEM;

	t = rte_zmalloc_socket("rp_neigh", sizeof(*t), RTE_CACHE_LINE_SIZE, socket);
	if (t == NULL)
		goto fail;
	t->capacity = capacity;
	t->hz = hz;
	pthread_mutexattr_init(&attr);
	pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
	pthread_mutex_init(&t->lock, &attr);
	pthread_mutexattr_destroy(&attr);
	/* Key positions run from 0 to capacity included. */
	t->learned = calloc((size_t)capacity + 1, sizeof(*t->learned));
	if (t->learned == NULL)
		goto fail;
	t->h = rte_hash_create(&prm);
	if (t->h == NULL) {
		err = rte_errno ? rte_errno : ENOMEM;
		goto fail;
	}
	return t;
fail:
	dp_neigh_table_destroy(t);
	errno = err;
	return NULL;
}

void
dp_neigh_table_destroy(struct dp_neigh_table *t)
{
	if (t == NULL)
		return;
	rte_hash_free(t->h);
	free(t->learned);
	rte_free(t);
}

static struct dp_neigh_table *
table_of(const struct dp *dp, unsigned int pidx, uint8_t family)
{
	if (pidx >= dp->n_ports || (family != 4 && family != 6) || dp->ha_state == NULL ||
	    !dp->ha_state->l3[pidx].l3)
		return NULL;
	return dp->ha_state->neigh;
}

int
dp_neigh_set(struct dp *dp, unsigned int pidx, uint8_t family, const uint8_t *addr,
             const struct rte_ether_addr *mac)
{
	struct dp_neigh_table *t = table_of(dp, pidx, family);
	struct dp_neigh_key k;
	uint64_t data = 0;
	int32_t pos;
	int ret;

	if (t == NULL || addr == NULL || mac == NULL || !rte_is_unicast_ether_addr(mac) ||
	    rte_is_zero_ether_addr(mac))
		return -EINVAL;
	dp_neigh_key_make(&k, pidx, family, addr);
	memcpy(&data, mac, RTE_ETHER_ADDR_LEN);
	pthread_mutex_lock(&t->lock);
	/* On a key already there, the data word is replaced with one atomic store. */
	ret = rte_hash_add_key_data(t->h, &k, (void *)(uintptr_t)data);
	if (ret == 0) {
		pos = rte_hash_lookup(t->h, &k);
		if (pos >= 0 && (uint32_t)pos <= t->capacity)
			t->learned[pos] = rte_get_tsc_cycles();
	}
	pthread_mutex_unlock(&t->lock);
	return ret == 0 ? 0 : ret == -ENOSPC ? -ENOSPC : -EINVAL;
}

int
dp_neigh_del(struct dp *dp, unsigned int pidx, uint8_t family, const uint8_t *addr)
{
	struct dp_neigh_table *t = table_of(dp, pidx, family);
	struct dp_neigh_key k;
	int32_t pos;

	if (t == NULL || addr == NULL)
		return -ENOENT;
	dp_neigh_key_make(&k, pidx, family, addr);
	pthread_mutex_lock(&t->lock);
	pos = rte_hash_del_key(t->h, &k);
	if (pos >= 0) {
		/* A worker may have found the key just before: its slot waits for a grace
		 * period (the workers hold no lock, so this only waits for their loops). */
		synchronize_rcu();
		rte_hash_free_key_with_position(t->h, pos);
	}
	pthread_mutex_unlock(&t->lock);
	return pos >= 0 ? 0 : -ENOENT;
}

int
dp_neigh_walk(const struct dp *dp, int (*cb)(const struct dp_neigh *n, void *arg), void *arg)
{
	struct dp_neigh_table *t = dp->ha_state != NULL ? dp->ha_state->neigh : NULL;
	const void *key;
	void *data;
	uint32_t next = 0;
	int32_t pos;
	int visited = 0;

	if (t == NULL)
		return 0;
	pthread_mutex_lock(&t->lock);
	while ((pos = rte_hash_iterate(t->h, &key, &data, &next)) >= 0) {
		const struct dp_neigh_key *k = key;
		uint64_t mac = (uintptr_t)data, now = rte_get_tsc_cycles();
		struct dp_neigh n;

		memset(&n, 0, sizeof(n));
		n.pidx = k->pidx;
		n.family = k->family;
		memcpy(n.addr, k->addr, sizeof(n.addr));
		memcpy(&n.mac, &mac, RTE_ETHER_ADDR_LEN);
		if ((uint32_t)pos <= t->capacity && now > t->learned[pos])
			n.age_s = (uint32_t)((now - t->learned[pos]) / t->hz);
		visited++;
		if (cb(&n, arg) != 0)
			break;
	}
	pthread_mutex_unlock(&t->lock);
	return visited;
}

static bool
v4_routable(const uint8_t *a)
{
	/* 0/8 "this network", 127/8 loopback, 169.254/16 link-local, 224/4 multicast and
	 * 240/4 reserved with the limited broadcast. */
	return a[0] != 0 && a[0] != 127 && !(a[0] == 169 && a[1] == 254) && a[0] < 224;
}

static bool
v6_routable(const uint8_t *a)
{
	static const uint8_t zero[15];

	if (a[0] == 0xff)
		return false; /* multicast */
	if (a[0] == 0xfe && (a[1] & 0xc0) == 0x80)
		return false; /* link-local */
	/* :: and ::1 */
	return !(memcmp(a, zero, sizeof(zero)) == 0 && a[15] <= 1);
}

int
dp_l3_route(const struct dp_l3_port *lp, uint8_t family, const uint8_t *dst, uint8_t *nh)
{
	if (family == 4) {
		uint32_t d;

		if (!v4_routable(dst))
			return -EHOSTUNREACH;
		memcpy(&d, dst, 4);
		for (unsigned int i = 0; i < lp->n_net; i++) {
			const struct dp_l3_net *net = &lp->net[i];

			if (net->family == 4 && (d & net->mask4) == net->net4) {
				memcpy(nh, dst, 4);
				return 0;
			}
		}
		if (!lp->has_gw4)
			return -ENETUNREACH;
		memcpy(nh, lp->gw4, 4);
		return 0;
	}
	if (family == 6) {
		uint64_t d[2];

		if (!v6_routable(dst))
			return -EHOSTUNREACH;
		memcpy(d, dst, 16);
		for (unsigned int i = 0; i < lp->n_net; i++) {
			const struct dp_l3_net *net = &lp->net[i];

			if (net->family == 6 && (d[0] & net->mask6[0]) == net->net6[0] &&
			    (d[1] & net->mask6[1]) == net->net6[1]) {
				memcpy(nh, dst, 16);
				return 0;
			}
		}
		if (!lp->has_gw6)
			return -ENETUNREACH;
		memcpy(nh, lp->gw6, 16);
		return 0;
	}
	return -ENETUNREACH;
}

int
dp_l3_nexthop(const struct dp *dp, unsigned int pidx, uint8_t family, const uint8_t *dst,
              uint8_t *nh)
{
	if (pidx >= dp->n_ports || dp->ha_state == NULL || !dp->ha_state->l3[pidx].l3 ||
	    (family != 4 && family != 6) || dst == NULL || nh == NULL)
		return -EINVAL;
	return dp_l3_route(&dp->ha_state->l3[pidx], family, dst, nh);
}
