/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The bypass manager: one latch (byp_latch.c) and one driver behind a mutex, and the
 * heartbeat thread that feeds the driver's watchdog.
 *
 * Every public call turns into one latch event; when the latch's state changes, the driver is
 * told (arm, engage or disconnect). A driver call that fails leaves the latch where it is and
 * marks the device pending: byp_tick() tries again every tick, so a relay file that is briefly
 * unwritable does not lose an engage. byp_tick() also reads the device back, and a device
 * found in bypass while the latch says inline has latched by itself: that is a watchdog
 * engage, recorded with the device's own time.
 *
 * The heartbeat thread takes no lock: it calls the `alive` callback and the driver's
 * heartbeat, which the drivers make a single store or a non-blocking write.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "byp.h"

#define NS_PER_MS 1000000ull
#define NS_PER_S 1000000000ull
#define HB_MIN_PERIOD_NS (1 * NS_PER_MS)
#define HB_RT_PRIORITY 10 /* SCHED_FIFO, above every normal thread, far below the kernel's */

struct byp {
	pthread_mutex_t lock;
	struct cfg_bypass cfg;   /* [R] */
	struct byp_driver *drv;  /* [L] except ops->heartbeat: [H] */
	byp_clock_fn clock;      /* [R] */
	void *clock_arg;         /* [R] */
	struct byp_latch latch;  /* [L] */
	enum byp_state state;    /* [a] latch.state, for lock-free readers */
	enum byp_state failsafe; /* [a] latch.failsafe, kept across byp_probe()'s new latch */
	bool probed;             /* [L] */
	enum byp_state applied;  /* [L] what the device was last told, successfully */
	bool applied_ok;         /* [L] false: the device must be told again */
	uint64_t expiries_seen;  /* [L] the device's watchdog expiries at the last tick */
	char health_why[96];     /* [L] */
	uint64_t drv_errors;     /* [L] */
	char last_error[160];    /* [L] */
	/* [L] called after every change of state, without the lock */
	void (*on_change)(void *arg, enum byp_state state, enum byp_reason reason);
	void *on_change_arg; /* [L] */

	/* Heartbeat thread [H]; the counters are [a] for the readers. */
	pthread_t hb_thread;
	bool hb_running;          /* [L] */
	bool hb_stop;             /* [a] */
	bool hb_rt;               /* [a] */
	uint64_t hb_period_ns;    /* [R] */
	uint64_t hb_stall_ns;     /* [R] a wake-up later than this is a stall: half the watchdog */
	bool (*alive)(void *arg); /* [R] once started */
	void *alive_arg;
	uint64_t hb_feeds;       /* [a] */
	uint64_t hb_withheld;    /* [a] */
	uint64_t hb_last_ns;     /* [a] */
	uint64_t hb_max_late_ns; /* [a] */
	uint64_t hb_stalls;      /* [a] */
};

static uint64_t
mono_ns(void *arg)
{
	struct timespec ts;

	(void)arg;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * NS_PER_S + (uint64_t)ts.tv_nsec;
}

static uint64_t
now_ns(const struct byp *b)
{
	return b->clock(b->clock_arg);
}

static void
latch_conf(const struct cfg_bypass *cfg, struct byp_latch_conf *lc)
{
	lc->start_in_bypass = cfg->start_in_bypass;
	lc->rearm_auto = cfg->rearm_auto;
	lc->rearm_after_ns = (uint64_t)cfg->rearm_after_s * NS_PER_S;
	lc->stop_disconnect = cfg->on_stop == CFG_ON_STOP_INLINE_DOWN;
}

struct byp *
byp_create(const struct cfg_bypass *cfg, struct byp_driver *drv, byp_clock_fn clock,
           void *clock_arg)
{
	struct byp_latch_conf lc;
	struct byp *b;

	if (cfg == NULL || drv == NULL) {
		byp_driver_release(drv);
		errno = EINVAL;
		return NULL;
	}
	b = calloc(1, sizeof(*b));
	if (b == NULL) {
		byp_driver_release(drv);
		errno = ENOMEM;
		return NULL;
	}
	pthread_mutex_init(&b->lock, NULL);
	b->cfg = *cfg;
	b->drv = drv;
	b->clock = clock != NULL ? clock : mono_ns;
	b->clock_arg = clock_arg;
	b->failsafe = BYP_STATE_BYPASS;
	latch_conf(cfg, &lc);
	lc.failsafe = b->failsafe;
	byp_latch_init(&b->latch, &lc, now_ns(b), NULL);
	b->state = b->latch.state;
	b->hb_period_ns = (uint64_t)cfg->watchdog_ms * NS_PER_MS / 4;
	if (b->hb_period_ns < HB_MIN_PERIOD_NS)
		b->hb_period_ns = HB_MIN_PERIOD_NS;
	b->hb_stall_ns = (uint64_t)cfg->watchdog_ms * NS_PER_MS / 2;
	return b;
}

static void
drv_error(struct byp *b, const char *what, int ret)
{
	b->drv_errors++;
	snprintf(b->last_error, sizeof(b->last_error), "%s %s: %s", b->drv->ops->name, what,
	         strerror(-ret));
}

/* Tell the device what the latch says. Lock held. */
static int
apply(struct byp *b, uint64_t now)
{
	enum byp_state want = b->latch.state;
	const char *what;
	int ret;

	if (!b->probed)
		return 0; /* byp_probe() applies the latch once the device is there */
	switch (want) {
	case BYP_STATE_INLINE:
		what = "arm";
		ret = b->drv->ops->arm(b->drv, now);
		break;
	case BYP_STATE_BYPASS:
		what = "engage";
		ret = b->drv->ops->engage(b->drv);
		break;
	default:
		what = "disconnect";
		ret = b->drv->ops->disconnect(b->drv);
		break;
	}
	if (ret < 0) {
		b->applied_ok = false;
		drv_error(b, what, ret);
		return ret;
	}
	b->applied = want;
	b->applied_ok = true;
	return 0;
}

/* One latch event, then the device follows. Lock held; *@changed for the callback. */
static int
feed(struct byp *b, const struct byp_event *ev, bool *changed)
{
	uint64_t now = now_ns(b);
	int ret;

	ret = byp_latch_step(&b->latch, ev, now, changed);
	if (ret < 0)
		return ret;
	__atomic_store_n(&b->state, b->latch.state, __ATOMIC_RELEASE);
	if (*changed || !b->applied_ok)
		ret = apply(b, now);
	return ret;
}

static void
notify(struct byp *b, bool changed, enum byp_state state, enum byp_reason reason)
{
	if (changed && b->on_change != NULL)
		b->on_change(b->on_change_arg, state, reason);
}

/*
 * Run one event with b->lock held, then release the lock and call back outside it. A failure
 * leaves its sentence in @err when given (copied while the lock is held).
 */
static int
feed_unlock(struct byp *b, const struct byp_event *ev, char *err, size_t errlen)
{
	enum byp_state state;
	enum byp_reason reason;
	bool changed = false;
	int ret;

	ret = feed(b, ev, &changed);
	if (ret < 0 && err != NULL)
		snprintf(err, errlen, "%s",
		         ret == -ESHUTDOWN ? "the node is stopping" : b->last_error);
	state = b->latch.state;
	reason = b->latch.last_reason;
	pthread_mutex_unlock(&b->lock);
	notify(b, changed, state, reason);
	return ret;
}

/* Run one event and call back outside the lock. */
static int
event(struct byp *b, const struct byp_event *ev)
{
	pthread_mutex_lock(&b->lock);
	return feed_unlock(b, ev, NULL, 0);
}

int
byp_probe(struct byp *b, char *err, size_t errlen)
{
	struct byp_drv_status st;
	struct byp_latch_conf lc;
	struct byp_record rec;
	enum byp_reason reason;
	enum byp_state state;
	bool inherited = false;
	uint64_t now;
	int ret;

	pthread_mutex_lock(&b->lock);
	if (b->probed) {
		pthread_mutex_unlock(&b->lock);
		snprintf(err, errlen, "the bypass driver is probed already");
		return -EALREADY;
	}
	ret = b->drv->ops->probe(b->drv, err, errlen);
	if (ret < 0) {
		pthread_mutex_unlock(&b->lock);
		return ret;
	}
	b->probed = true;
	now = now_ns(b);
	latch_conf(&b->cfg, &lc);
	lc.failsafe = b->failsafe;
	if (b->drv->ops->failsafe != NULL) {
		/* Told before probe too; a device found afresh must hear it again. */
		ret = b->drv->ops->failsafe(b->drv, b->failsafe);
		if (ret < 0)
			drv_error(b, "failsafe", ret);
	}
	if (b->drv->ops->status(b->drv, &st) == 0) {
		b->expiries_seen = st.expiries;
		/* Left by the process before this one: history, not a reason to hold. */
		inherited = st.state != BYP_STATE_INLINE && st.by_watchdog;
		rec.at_ns = st.latched_ns != 0 && st.latched_ns <= now ? st.latched_ns : now;
		rec.kind = BYP_EV_WATCHDOG;
		rec.reason = BYP_REASON_WATCHDOG;
		rec.from = BYP_STATE_INLINE;
		rec.to = st.state;
	}
	byp_latch_init(&b->latch, &lc, now, inherited ? &rec : NULL);
	__atomic_store_n(&b->state, b->latch.state, __ATOMIC_RELEASE);
	ret = apply(b, now);
	if (ret < 0)
		snprintf(err, errlen, "%s", b->last_error);
	state = b->latch.state;
	reason = b->latch.last_reason;
	pthread_mutex_unlock(&b->lock);
	notify(b, true, state, reason);
	return ret;
}

int
byp_engage(struct byp *b, enum byp_reason reason)
{
	struct byp_event ev = { .kind = BYP_EV_ENGAGE, .reason = reason };

	return event(b, &ev);
}

int
byp_operator_engage(struct byp *b, bool force, char *err, size_t errlen)
{
	struct byp_event ev = { .kind = BYP_EV_ENGAGE, .reason = BYP_REASON_OPERATOR };

	pthread_mutex_lock(&b->lock);
	if (!force && b->latch.failsafe == BYP_STATE_DISCONNECT && !b->latch.stopped) {
		pthread_mutex_unlock(&b->lock);
		snprintf(err, errlen,
		         "this node is an HA standby (its fail-safe state is disconnect): engaging "
		         "bypass would make a second path between upstream and protected beside "
		         "the node that forwards; use bypass disconnect, or engage with force");
		return -EPERM;
	}
	return feed_unlock(b, &ev, err, errlen);
}

int
byp_failsafe_set(struct byp *b, enum byp_state fs)
{
	struct byp_event ev = { .kind = BYP_EV_FAILSAFE, .failsafe = fs };
	int ret = 0;

	if (fs != BYP_STATE_BYPASS && fs != BYP_STATE_DISCONNECT)
		return -EINVAL;
	pthread_mutex_lock(&b->lock);
	if (b->latch.stopped) {
		pthread_mutex_unlock(&b->lock);
		return -ESHUTDOWN;
	}
	if (fs == b->failsafe) {
		pthread_mutex_unlock(&b->lock);
		return 0;
	}
	if (b->drv->ops->failsafe != NULL)
		ret = b->drv->ops->failsafe(b->drv, fs);
	else if (fs == BYP_STATE_DISCONNECT)
		ret = -EOPNOTSUPP;
	if (ret < 0) {
		pthread_mutex_unlock(&b->lock);
		return ret;
	}
	__atomic_store_n(&b->failsafe, fs, __ATOMIC_RELEASE);
	return feed_unlock(b, &ev, NULL, 0);
}

enum byp_state
byp_failsafe_get(const struct byp *b)
{
	return __atomic_load_n(&b->failsafe, __ATOMIC_ACQUIRE);
}

int
byp_disconnect(struct byp *b, enum byp_reason reason)
{
	struct byp_event ev = { .kind = BYP_EV_DISCONNECT, .reason = reason };

	return event(b, &ev);
}

int
byp_clear(struct byp *b, char *err, size_t errlen)
{
	struct byp_event ev = { .kind = BYP_EV_CLEAR };
	enum byp_reason reason;
	enum byp_state state;
	bool changed = false;
	int ret;

	pthread_mutex_lock(&b->lock);
	ret = feed(b, &ev, &changed);
	if (ret == -EBUSY)
		snprintf(err, errlen, "the node is not healthy (%s): bypass stays until it is",
		         b->health_why[0] ? b->health_why : "no reason given");
	else if (ret == -ESHUTDOWN)
		snprintf(err, errlen, "the node is stopping");
	else if (ret < 0)
		snprintf(err, errlen, "%s", b->last_error);
	state = b->latch.state;
	reason = b->latch.last_reason;
	pthread_mutex_unlock(&b->lock);
	notify(b, changed, state, reason);
	return ret;
}

int
byp_ready(struct byp *b)
{
	struct byp_event ev = { .kind = BYP_EV_READY };

	return event(b, &ev);
}

void
byp_health_set(struct byp *b, bool healthy, const char *why)
{
	struct byp_event ev = { .kind = BYP_EV_HEALTH, .healthy = healthy };
	bool changed;

	pthread_mutex_lock(&b->lock);
	byp_latch_step(&b->latch, &ev, now_ns(b), &changed);
	snprintf(b->health_why, sizeof(b->health_why), "%s", healthy || why == NULL ? "" : why);
	pthread_mutex_unlock(&b->lock);
}

void
byp_tick(struct byp *b)
{
	struct byp_event ev = { .kind = BYP_EV_TICK };
	struct byp_drv_status st;
	enum byp_reason reason;
	enum byp_state state;
	bool changed = false, wd = false;
	uint64_t now;
	int ret;

	pthread_mutex_lock(&b->lock);
	if (!b->probed) {
		pthread_mutex_unlock(&b->lock);
		return;
	}
	now = now_ns(b);
	ret = b->drv->ops->status(b->drv, &st);
	if (ret < 0) {
		drv_error(b, "status", ret);
	} else if (b->latch.state == BYP_STATE_INLINE && b->applied_ok &&
	           b->applied == BYP_STATE_INLINE && st.state != BYP_STATE_INLINE) {
		/* The device left inline by itself: its watchdog, to the fail-safe state it
		 * was given. It is where the latch is about to be, so nothing needs telling
		 * unless the fail-safe state changed in between. */
		struct byp_event wev = {
			.kind = BYP_EV_WATCHDOG,
			.at_ns = st.latched_ns != 0 && st.latched_ns <= now ? st.latched_ns : 0,
		};

		byp_latch_step(&b->latch, &wev, now, &wd);
		b->applied = st.state;
		b->applied_ok = st.state == b->latch.state;
		__atomic_store_n(&b->state, b->latch.state, __ATOMIC_RELEASE);
	} else if (st.state != b->latch.state) {
		/* Our last write failed, or something else moved the device: say it again. */
		b->applied_ok = false;
	}
	if (ret == 0)
		b->expiries_seen = st.expiries;
	ret = feed(b, &ev, &changed);
	(void)ret; /* a failure is in last_error and retried on the next tick */
	changed = changed || wd;
	state = b->latch.state;
	reason = b->latch.last_reason;
	pthread_mutex_unlock(&b->lock);
	notify(b, changed, state, reason);
}

int
byp_stop(struct byp *b)
{
	struct byp_event ev = { .kind = BYP_EV_STOP };

	return event(b, &ev);
}

enum byp_state
byp_state_get(const struct byp *b)
{
	return __atomic_load_n(&b->state, __ATOMIC_ACQUIRE);
}

void
byp_on_change_set(struct byp *b,
                  void (*cb)(void *arg, enum byp_state state, enum byp_reason reason), void *arg)
{
	pthread_mutex_lock(&b->lock);
	b->on_change = cb;
	b->on_change_arg = arg;
	pthread_mutex_unlock(&b->lock);
}

void
byp_status_get(struct byp *b, struct byp_status *st)
{
	const struct byp_latch *l = &b->latch;

	memset(st, 0, sizeof(*st));
	pthread_mutex_lock(&b->lock);
	st->driver = b->drv->ops->name;
	st->state = l->state;
	st->failsafe = l->failsafe;
	st->reason = l->last_reason;
	st->reasons = l->reasons;
	st->disconnected = l->disconnected;
	st->ready = l->ready;
	st->healthy = l->healthy;
	snprintf(st->health_why, sizeof(st->health_why), "%s", b->health_why);
	st->stopped = l->stopped;
	st->now_ns = now_ns(b);
	st->since_ns = l->since_ns;
	st->rearm_at_ns = byp_latch_rearm_at(l);
	st->watchdog_ms = b->cfg.watchdog_ms;
	st->rearm_auto = b->cfg.rearm_auto;
	st->rearm_after_s = b->cfg.rearm_after_s;
	memcpy(st->engages, l->engages, sizeof(st->engages));
	st->rearms = l->rearms;
	st->probed = b->probed;
	if (b->probed) {
		int ret = b->drv->ops->status(b->drv, &st->drv);

		st->drv_ok = ret == 0;
		if (ret < 0)
			drv_error(b, "status", ret);
	}
	st->drv_errors = b->drv_errors;
	snprintf(st->last_error, sizeof(st->last_error), "%s", b->last_error);
	st->pending = b->probed && (!b->applied_ok || (st->drv_ok && st->drv.state != l->state));
	st->hb_running = b->hb_running;
	pthread_mutex_unlock(&b->lock);
	st->hb_realtime = __atomic_load_n(&b->hb_rt, __ATOMIC_RELAXED);
	st->hb_feeds = __atomic_load_n(&b->hb_feeds, __ATOMIC_RELAXED);
	st->hb_last_ns = __atomic_load_n(&b->hb_last_ns, __ATOMIC_RELAXED);
	byp_hb_stalls_get(b, &st->hb);
}

void
byp_hb_stalls_get(const struct byp *b, struct byp_hb_stalls *s)
{
	s->max_late_ns = __atomic_load_n(&b->hb_max_late_ns, __ATOMIC_RELAXED);
	s->stalls = __atomic_load_n(&b->hb_stalls, __ATOMIC_RELAXED);
	s->withheld = __atomic_load_n(&b->hb_withheld, __ATOMIC_RELAXED);
}

bool
byp_history_get(struct byp *b, unsigned int i, struct byp_record *rec)
{
	bool ok;

	pthread_mutex_lock(&b->lock);
	ok = byp_latch_history(&b->latch, i, rec);
	pthread_mutex_unlock(&b->lock);
	return ok;
}

/* ---- heartbeat thread ---------------------------------------------------------------- */

void
byp_heartbeat(struct byp *b)
{
	uint64_t now = mono_ns(NULL);

	b->drv->ops->heartbeat(b->drv, now);
	__atomic_fetch_add(&b->hb_feeds, 1, __ATOMIC_RELAXED);
	__atomic_store_n(&b->hb_last_ns, now, __ATOMIC_RELAXED);
}

static void
ts_from_ns(struct timespec *ts, uint64_t ns)
{
	ts->tv_sec = (time_t)(ns / NS_PER_S);
	ts->tv_nsec = (long)(ns % NS_PER_S);
}

static void *
hb_main(void *arg)
{
	struct byp *b = arg;
	uint64_t next = mono_ns(NULL) + b->hb_period_ns;
	struct timespec ts;

	while (!__atomic_load_n(&b->hb_stop, __ATOMIC_ACQUIRE)) {
		uint64_t now, late;

		ts_from_ns(&ts, next);
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
			;
		now = mono_ns(NULL);
		late = now > next ? now - next : 0;
		if (late > __atomic_load_n(&b->hb_max_late_ns, __ATOMIC_RELAXED))
			__atomic_store_n(&b->hb_max_late_ns, late, __ATOMIC_RELAXED);
		if (late > b->hb_stall_ns)
			__atomic_fetch_add(&b->hb_stalls, 1, __ATOMIC_RELAXED);
		if (__atomic_load_n(&b->hb_stop, __ATOMIC_ACQUIRE))
			break;
		if (b->alive == NULL || b->alive(b->alive_arg))
			byp_heartbeat(b);
		else
			__atomic_fetch_add(&b->hb_withheld, 1, __ATOMIC_RELAXED);
		next += b->hb_period_ns;
		/* Woken far too late (the machine stalled): do not try to catch up. */
		if (now > next)
			next = now + b->hb_period_ns;
	}
	return NULL;
}

int
byp_hb_start(struct byp *b, bool (*alive)(void *arg), void *arg)
{
	struct sched_param sp = { .sched_priority = HB_RT_PRIORITY };
	pthread_attr_t attr;
	int ret;

	pthread_mutex_lock(&b->lock);
	if (b->hb_running || !b->probed || b->cfg.watchdog_ms == 0) {
		ret = b->hb_running ? -EALREADY : !b->probed ? -ENODEV : 0;
		pthread_mutex_unlock(&b->lock);
		return ret;
	}
	b->alive = alive;
	b->alive_arg = arg;
	__atomic_store_n(&b->hb_stop, false, __ATOMIC_RELEASE);
	/* Real-time when allowed, so that a busy machine does not starve the heartbeat into a
	 * false expiry; an ordinary thread otherwise. */
	pthread_attr_init(&attr);
	pthread_attr_setinheritsched(&attr, PTHREAD_EXPLICIT_SCHED);
	pthread_attr_setschedpolicy(&attr, SCHED_FIFO);
	pthread_attr_setschedparam(&attr, &sp);
	ret = pthread_create(&b->hb_thread, &attr, hb_main, b);
	pthread_attr_destroy(&attr);
	__atomic_store_n(&b->hb_rt, ret == 0, __ATOMIC_RELAXED);
	if (ret != 0)
		ret = pthread_create(&b->hb_thread, NULL, hb_main, b);
	if (ret == 0) {
		b->hb_running = true;
		pthread_setname_np(b->hb_thread, "rp-byp-hb");
	}
	pthread_mutex_unlock(&b->lock);
	return -ret;
}

void
byp_hb_stop(struct byp *b)
{
	bool running;

	pthread_mutex_lock(&b->lock);
	running = b->hb_running;
	b->hb_running = false;
	pthread_mutex_unlock(&b->lock);
	if (!running)
		return;
	__atomic_store_n(&b->hb_stop, true, __ATOMIC_RELEASE);
	pthread_join(b->hb_thread, NULL);
}

void
byp_destroy(struct byp *b)
{
	if (b == NULL)
		return;
	byp_hb_stop(b);
	byp_driver_release(b->drv);
	pthread_mutex_destroy(&b->lock);
	free(b);
}
