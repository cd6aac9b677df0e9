/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The two drivers without a device: "none" (the node has no fail-open hardware and no XDP
 * bypass; rampartd makes bypass real in the dataplane, which forwards uninspected, and
 * disconnect, which drops; it has no watchdog, so any fail-safe state is fine) and the recording
 * driver that the unit tests put under the manager.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "byp.h"

void
byp_driver_release(struct byp_driver *drv)
{
	if (drv != NULL)
		drv->ops->release(drv);
}

/* ---- none ---------------------------------------------------------------------------- */

struct drv_none {
	struct byp_driver base;
	enum byp_state state;
};

static int
none_probe(struct byp_driver *drv, char *err, size_t errlen)
{
	(void)drv;
	(void)err;
	(void)errlen;
	return 0;
}

static int
none_arm(struct byp_driver *drv, uint64_t now_ns)
{
	(void)now_ns;
	((struct drv_none *)drv)->state = BYP_STATE_INLINE;
	return 0;
}

static int
none_engage(struct byp_driver *drv)
{
	((struct drv_none *)drv)->state = BYP_STATE_BYPASS;
	return 0;
}

static int
none_disconnect(struct byp_driver *drv)
{
	((struct drv_none *)drv)->state = BYP_STATE_DISCONNECT;
	return 0;
}

static int
none_status(struct byp_driver *drv, struct byp_drv_status *st)
{
	memset(st, 0, sizeof(*st));
	st->state = ((struct drv_none *)drv)->state;
	strcpy(st->detail, "no bypass device: the dataplane forwards uninspected in bypass and "
	                   "drops in disconnect");
	return 0;
}

static int
none_failsafe(struct byp_driver *drv, enum byp_state state)
{
	(void)drv;
	(void)state;
	return 0; /* no watchdog; the latch and the dataplane do the rest */
}

static void
none_heartbeat(struct byp_driver *drv, uint64_t now_ns)
{
	(void)drv;
	(void)now_ns;
}

static void
none_release(struct byp_driver *drv)
{
	free(drv);
}

static const struct byp_driver_ops none_ops = {
	.name = "none",
	.probe = none_probe,
	.arm = none_arm,
	.engage = none_engage,
	.disconnect = none_disconnect,
	.status = none_status,
	.failsafe = none_failsafe,
	.heartbeat = none_heartbeat,
	.release = none_release,
};

struct byp_driver *
byp_drv_none_create(void)
{
	struct drv_none *d = calloc(1, sizeof(*d));

	if (d == NULL)
		return NULL;
	d->base.ops = &none_ops;
	d->state = BYP_STATE_BYPASS;
	return &d->base;
}

/* ---- recording ----------------------------------------------------------------------- */

struct drv_rec {
	struct byp_driver base;
	struct byp_rec_log *log;
	uint64_t (*clock)(void *arg);
	void *clock_arg;
	int fail[BYP_REC__MAX];
	uint64_t expiries;
	uint64_t latched_ns;
	bool by_watchdog;
};

static int
rec_call(struct drv_rec *d, enum byp_rec_op op)
{
	struct byp_rec_log *log = d->log;
	uint64_t now = d->clock(d->clock_arg);

	/* Heartbeats come from the heartbeat thread while the test reads the log. */
	__atomic_fetch_add(&log->count[op], 1, __ATOMIC_RELAXED);
	if (op == BYP_REC_HEARTBEAT) {
		__atomic_store_n(&log->last_heartbeat_ns, now, __ATOMIC_RELAXED);
	} else if (log->n_calls < BYP_REC_MAX_CALLS) {
		log->calls[log->n_calls].op = op;
		log->calls[log->n_calls].at_ns = now;
		log->n_calls++;
	}
	return d->fail[op];
}

static int
rec_probe(struct byp_driver *drv, char *err, size_t errlen)
{
	int ret = rec_call((struct drv_rec *)drv, BYP_REC_PROBE);

	if (ret < 0 && err != NULL && errlen > 0)
		strncpy(err, "the recording driver was told to fail its probe", errlen - 1);
	return ret;
}

static int
rec_set(struct byp_driver *drv, enum byp_rec_op op, enum byp_state state)
{
	struct drv_rec *d = (struct drv_rec *)drv;
	int ret = rec_call(d, op);

	if (ret == 0) {
		d->log->state = state;
		d->by_watchdog = false;
	}
	return ret;
}

static int
rec_arm(struct byp_driver *drv, uint64_t now_ns)
{
	struct drv_rec *d = (struct drv_rec *)drv;
	int ret = rec_set(drv, BYP_REC_ARM, BYP_STATE_INLINE);

	if (ret == 0)
		__atomic_store_n(&d->log->last_heartbeat_ns, now_ns, __ATOMIC_RELAXED);
	return ret;
}

static int
rec_engage(struct byp_driver *drv)
{
	return rec_set(drv, BYP_REC_ENGAGE, BYP_STATE_BYPASS);
}

static int
rec_disconnect(struct byp_driver *drv)
{
	return rec_set(drv, BYP_REC_DISCONNECT, BYP_STATE_DISCONNECT);
}

static int
rec_status(struct byp_driver *drv, struct byp_drv_status *st)
{
	struct drv_rec *d = (struct drv_rec *)drv;
	int ret = rec_call(d, BYP_REC_STATUS);

	if (ret < 0)
		return ret;
	memset(st, 0, sizeof(*st));
	st->state = d->log->state;
	st->by_watchdog = d->by_watchdog;
	st->expiries = d->expiries;
	st->latched_ns = d->latched_ns;
	st->heartbeat_ns = __atomic_load_n(&d->log->last_heartbeat_ns, __ATOMIC_RELAXED);
	strcpy(st->detail, "recording driver (tests)");
	return 0;
}

static int
rec_failsafe(struct byp_driver *drv, enum byp_state state)
{
	struct drv_rec *d = (struct drv_rec *)drv;
	int ret = rec_call(d, BYP_REC_FAILSAFE);

	if (ret == 0)
		d->log->failsafe = state;
	return ret;
}

static void
rec_heartbeat(struct byp_driver *drv, uint64_t now_ns)
{
	(void)now_ns;
	rec_call((struct drv_rec *)drv, BYP_REC_HEARTBEAT);
}

static void
rec_release(struct byp_driver *drv)
{
	struct drv_rec *d = (struct drv_rec *)drv;

	rec_call(d, BYP_REC_RELEASE);
	d->log->released = true;
	free(d);
}

static const struct byp_driver_ops rec_ops = {
	.name = "recording",
	.probe = rec_probe,
	.arm = rec_arm,
	.engage = rec_engage,
	.disconnect = rec_disconnect,
	.status = rec_status,
	.failsafe = rec_failsafe,
	.heartbeat = rec_heartbeat,
	.release = rec_release,
};

struct byp_driver *
byp_drv_rec_create(struct byp_rec_log *log, uint64_t (*clock)(void *arg), void *clock_arg)
{
	struct drv_rec *d;

	if (log == NULL || clock == NULL) {
		errno = EINVAL;
		return NULL;
	}
	d = calloc(1, sizeof(*d));
	if (d == NULL)
		return NULL;
	d->base.ops = &rec_ops;
	d->log = log;
	d->clock = clock;
	d->clock_arg = clock_arg;
	return &d->base;
}

void
byp_drv_rec_fail(struct byp_driver *drv, enum byp_rec_op op, int err)
{
	struct drv_rec *d = (struct drv_rec *)drv;

	if ((unsigned int)op < BYP_REC__MAX)
		d->fail[op] = err > 0 ? -err : err;
}

void
byp_drv_rec_fire(struct byp_driver *drv, uint64_t at_ns)
{
	struct drv_rec *d = (struct drv_rec *)drv;

	if (d->log->state != BYP_STATE_INLINE)
		return;
	d->log->state =
		d->log->failsafe == BYP_STATE_DISCONNECT ? BYP_STATE_DISCONNECT : BYP_STATE_BYPASS;
	d->by_watchdog = true;
	d->latched_ns = at_ns;
	d->expiries++;
}
