/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The sysfs/GPIO bypass driver. Bypass adapters expose their relay (and some a disconnect
 * switch and a watchdog) as files: a GPIO value file, or attributes of the adapter's kernel
 * driver. The config names the files and the values to write; this driver writes them and
 * reads the relay back to learn what the adapter does, so a relay the adapter's own watchdog
 * threw shows as bypass.
 *
 * Every open is O_NONBLOCK, so a FIFO with no reader (or a device that would wait) fails
 * with an error instead of blocking the caller; the watchdog file stays open, and a kick is
 * one pwrite() at offset 0 from the heartbeat thread.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "byp.h"

#define SYSFS_READ_MAX 64 /* a relay state is a short word */

struct drv_sysfs {
	struct byp_driver base;
	struct cfg_bypass cfg;   /* [R] the sysfs paths and values */
	int wd_fd;               /* watchdog file, -1 when none; the heartbeat thread's */
	uint64_t kicks;          /* [a] */
	uint64_t kick_errors;    /* [a] */
	enum byp_state last_set; /* what this driver last wrote */
	bool set_once;
};

bool
byp_sysfs_value_is(const char *text, size_t len, const char *value)
{
	size_t vlen = strlen(value);

	while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == ' ' || text[len - 1] == '\t' ||
	                   text[len - 1] == '\r' || text[len - 1] == '\0'))
		len--;
	while (vlen > 0 && (value[vlen - 1] == '\n' || value[vlen - 1] == ' ' ||
	                    value[vlen - 1] == '\t' || value[vlen - 1] == '\r'))
		vlen--;
	return len == vlen && memcmp(text, value, len) == 0;
}

/* Write @value to @path whole. @return 0 or -errno. */
static int
value_write(const char *path, const char *value)
{
	size_t len = strlen(value);
	ssize_t n;
	int fd, ret = 0;

	fd = open(path, O_WRONLY | O_TRUNC | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, value, len);
	if (n < 0)
		ret = -errno;
	else if ((size_t)n != len)
		ret = -EIO;
	if (close(fd) < 0 && ret == 0)
		ret = -errno;
	return ret;
}

/* Read at most SYSFS_READ_MAX bytes of @path into @buf. @return the length or -errno. */
static ssize_t
value_read(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = pread(fd, buf, len, 0);
	if (n < 0)
		n = -errno;
	close(fd);
	return n;
}

/* The file must exist and be writable by us, without writing to it. */
static int
file_check(const char *what, const char *path, char *err, size_t errlen)
{
	int fd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0) {
		int e = errno;

		snprintf(err, errlen, "bypass.sysfs.%s %s: %s", what, path, strerror(e));
		return -e;
	}
	close(fd);
	return 0;
}

static int
sysfs_probe(struct byp_driver *drv, char *err, size_t errlen)
{
	struct drv_sysfs *d = (struct drv_sysfs *)drv;
	int ret;

	if (d->cfg.sysfs.bypass_path[0] == '\0') {
		snprintf(err, errlen, "bypass.sysfs.bypass_path is required with driver sysfs");
		return -EINVAL;
	}
	if (byp_sysfs_value_is(d->cfg.sysfs.bypass_on, strlen(d->cfg.sysfs.bypass_on),
	                       d->cfg.sysfs.bypass_off)) {
		snprintf(err, errlen,
		         "bypass.sysfs.bypass_on and bypass_off are both \"%s\": the "
		         "relay's state could not be read back",
		         d->cfg.sysfs.bypass_on);
		return -EINVAL;
	}
	ret = file_check("bypass_path", d->cfg.sysfs.bypass_path, err, errlen);
	if (ret == 0 && d->cfg.sysfs.disconnect_path[0] != '\0')
		ret = file_check("disconnect_path", d->cfg.sysfs.disconnect_path, err, errlen);
	if (ret < 0)
		return ret;
	if (d->cfg.sysfs.watchdog_path[0] != '\0') {
		d->wd_fd = open(d->cfg.sysfs.watchdog_path, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
		if (d->wd_fd < 0) {
			ret = -errno;
			snprintf(err, errlen, "bypass.sysfs.watchdog_path %s: %s",
			         d->cfg.sysfs.watchdog_path, strerror(-ret));
			return ret;
		}
	}
	return 0;
}

static void
sysfs_heartbeat(struct byp_driver *drv, uint64_t now_ns)
{
	struct drv_sysfs *d = (struct drv_sysfs *)drv;
	const char *kick = d->cfg.sysfs.watchdog_kick;
	size_t len = strlen(kick);
	ssize_t n;

	(void)now_ns;
	if (d->wd_fd < 0)
		return;
	/* Attribute files take each write from offset 0; a FIFO or a character device
	 * cannot seek and takes a plain write. */
	n = pwrite(d->wd_fd, kick, len, 0);
	if (n < 0 && errno == ESPIPE)
		n = write(d->wd_fd, kick, len);
	if (n == (ssize_t)len)
		__atomic_fetch_add(&d->kicks, 1, __ATOMIC_RELAXED);
	else
		__atomic_fetch_add(&d->kick_errors, 1, __ATOMIC_RELAXED);
}

static int
sysfs_set(struct drv_sysfs *d, enum byp_state state)
{
	const struct cfg_bypass *c = &d->cfg;
	bool has_disc = c->sysfs.disconnect_path[0] != '\0';
	int ret;

	switch (state) {
	case BYP_STATE_INLINE:
		ret = has_disc ? value_write(c->sysfs.disconnect_path, c->sysfs.disconnect_off) : 0;
		if (ret == 0)
			ret = value_write(c->sysfs.bypass_path, c->sysfs.bypass_off);
		break;
	case BYP_STATE_BYPASS:
		/* Relay first: leaving disconnect for bypass never cuts the wire twice. */
		ret = value_write(c->sysfs.bypass_path, c->sysfs.bypass_on);
		if (ret == 0 && has_disc)
			ret = value_write(c->sysfs.disconnect_path, c->sysfs.disconnect_off);
		break;
	case BYP_STATE_DISCONNECT:
		if (!has_disc)
			return -EOPNOTSUPP;
		ret = value_write(c->sysfs.disconnect_path, c->sysfs.disconnect_on);
		if (ret == 0)
			ret = value_write(c->sysfs.bypass_path, c->sysfs.bypass_off);
		break;
	default:
		return -EINVAL;
	}
	if (ret == 0) {
		d->last_set = state;
		d->set_once = true;
	}
	return ret;
}

static int
sysfs_arm(struct byp_driver *drv, uint64_t now_ns)
{
	/* Kick first: an adapter whose watchdog ran down while in bypass must not throw the
	 * relay again the moment it goes inline. */
	sysfs_heartbeat(drv, now_ns);
	return sysfs_set((struct drv_sysfs *)drv, BYP_STATE_INLINE);
}

static int
sysfs_engage(struct byp_driver *drv)
{
	return sysfs_set((struct drv_sysfs *)drv, BYP_STATE_BYPASS);
}

static int
sysfs_disconnect(struct byp_driver *drv)
{
	return sysfs_set((struct drv_sysfs *)drv, BYP_STATE_DISCONNECT);
}

/* The adapter's own watchdog throws the relay to bypass, whatever this says; what follows the
 * fail-safe state is the rest (start-up, flaps, link failure, stop), through the disconnect
 * switch, so there must be one. */
static int
sysfs_failsafe(struct byp_driver *drv, enum byp_state state)
{
	struct drv_sysfs *d = (struct drv_sysfs *)drv;

	if (state == BYP_STATE_DISCONNECT && d->cfg.sysfs.disconnect_path[0] == '\0')
		return -EOPNOTSUPP;
	return 0;
}

static int
sysfs_status(struct byp_driver *drv, struct byp_drv_status *st)
{
	struct drv_sysfs *d = (struct drv_sysfs *)drv;
	const struct cfg_bypass *c = &d->cfg;
	char buf[SYSFS_READ_MAX];
	bool bypass, disc = false;
	ssize_t n;

	memset(st, 0, sizeof(*st));
	n = value_read(c->sysfs.bypass_path, buf, sizeof(buf));
	if (n < 0)
		return (int)n;
	bypass = byp_sysfs_value_is(buf, (size_t)n, c->sysfs.bypass_on);
	if (!bypass && !byp_sysfs_value_is(buf, (size_t)n, c->sysfs.bypass_off))
		return -EPROTO; /* neither value: the adapter says something we do not know */
	if (c->sysfs.disconnect_path[0] != '\0') {
		n = value_read(c->sysfs.disconnect_path, buf, sizeof(buf));
		if (n < 0)
			return (int)n;
		disc = byp_sysfs_value_is(buf, (size_t)n, c->sysfs.disconnect_on);
	}
	st->state = disc ? BYP_STATE_DISCONNECT : bypass ? BYP_STATE_BYPASS : BYP_STATE_INLINE;
	/* The relay is in bypass though we last put it inline: the adapter did it alone. */
	st->by_watchdog =
		st->state == BYP_STATE_BYPASS && d->set_once && d->last_set == BYP_STATE_INLINE;
	snprintf(st->detail, sizeof(st->detail), "relay %.60s%s; watchdog kicks %llu, failed %llu",
	         c->sysfs.bypass_path, c->sysfs.watchdog_path[0] ? "" : " (no watchdog file)",
	         (unsigned long long)__atomic_load_n(&d->kicks, __ATOMIC_RELAXED),
	         (unsigned long long)__atomic_load_n(&d->kick_errors, __ATOMIC_RELAXED));
	return 0;
}

static void
sysfs_release(struct byp_driver *drv)
{
	struct drv_sysfs *d = (struct drv_sysfs *)drv;

	if (d->wd_fd >= 0)
		close(d->wd_fd);
	free(d);
}

static const struct byp_driver_ops sysfs_ops = {
	.name = "sysfs",
	.probe = sysfs_probe,
	.arm = sysfs_arm,
	.engage = sysfs_engage,
	.disconnect = sysfs_disconnect,
	.status = sysfs_status,
	.failsafe = sysfs_failsafe,
	.heartbeat = sysfs_heartbeat,
	.release = sysfs_release,
};

static void
value_default(char value[CFG_ID_MAX], const char *def)
{
	if (value[0] == '\0')
		snprintf(value, CFG_ID_MAX, "%s", def);
}

struct byp_driver *
byp_drv_sysfs_create(const struct cfg_bypass *cfg)
{
	struct drv_sysfs *d;

	if (cfg == NULL) {
		errno = EINVAL;
		return NULL;
	}
	d = calloc(1, sizeof(*d));
	if (d == NULL)
		return NULL;
	d->base.ops = &sysfs_ops;
	d->cfg = *cfg;
	d->wd_fd = -1;
	/* The config's defaults, for a struct filled by hand. */
	value_default(d->cfg.sysfs.bypass_on, "1");
	value_default(d->cfg.sysfs.bypass_off, "0");
	value_default(d->cfg.sysfs.disconnect_on, "1");
	value_default(d->cfg.sysfs.disconnect_off, "0");
	value_default(d->cfg.sysfs.watchdog_kick, "1");
	return &d->base;
}
