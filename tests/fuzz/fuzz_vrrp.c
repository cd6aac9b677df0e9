/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for VRRP: any bytes are a frame off the wire, and the same bytes are a
 * script of events for the state machine.
 *
 * The codec must reject with one of its own errors, or accept an advert whose fields are in
 * range, whose address list lies inside the frame, that decodes alike with Ethernet padding
 * added, and that comes back the same after an encode and a decode. The state machine must
 * keep its invariants whatever the order of events: a deadline always ahead of the clock, a
 * master never while held down, adverts only with the configured priority or 0.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ha_vrrp.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t our_addr[16] = { 198, 51, 100, 10 };

static void
check_advert(const uint8_t *data, size_t size, const struct ha_vrrp_advert *adv,
             enum ha_vrrp_csum mode)
{
	static uint8_t buf[HA_VRRP_FRAME_MAX + 64];
	struct ha_vrrp_advert again;
	size_t alen = adv->family == 4 ? 4 : 16;
	int len;

	if ((adv->family != 4 && adv->family != 6) || adv->version != 3 || adv->type != 1 ||
	    adv->ttl != 255 || adv->vrid == 0 || adv->count == 0 || adv->max_adver_int == 0 ||
	    adv->max_adver_int > HA_VRRP_INTERVAL_MAX)
		abort();
	if (adv->addrs < data || adv->addrs + adv->count * alen > data + size)
		abort();

	/* Padding after the datagram changes nothing. */
	if (size + 64 <= sizeof(buf)) {
		memcpy(buf, data, size);
		memset(buf + size, 0xa5, 64);
		if (ha_vrrp_pkt_decode(buf, size + 64, mode, &again) != 0 ||
		    again.priority != adv->priority || again.count != adv->count)
			abort();
	}

	/* Encode what was decoded, decode it again: the same advert. */
	len = ha_vrrp_pkt_encode(buf, sizeof(buf), adv, mode);
	if (len <= 0 || (size_t)len > HA_VRRP_FRAME_MAX)
		abort();
	if (ha_vrrp_pkt_decode(buf, (size_t)len, mode, &again) != 0)
		abort();
	if (again.family != adv->family || again.vrid != adv->vrid ||
	    again.priority != adv->priority || again.count != adv->count ||
	    again.max_adver_int != adv->max_adver_int || memcmp(again.src, adv->src, alen) != 0 ||
	    memcmp(again.dst, adv->dst, alen) != 0 ||
	    memcmp(again.addrs, adv->addrs, adv->count * alen) != 0)
		abort();
}

static void
check_actions(const struct ha_vrrp *vr, const struct ha_vrrp_actions *act, uint64_t now)
{
	uint64_t deadline = ha_vrrp_deadline(vr);
	enum ha_vrrp_state st = ha_vrrp_state_get(vr);

	if (act->send_advert && act->advert_priority != 0 &&
	    act->advert_priority != vr->conf.priority)
		abort();
	if (act->state_changed && (act->old_state == act->new_state || act->new_state != st))
		abort();
	if (st == HA_VRRP_MASTER && vr->hold == HA_VRRP_HOLD_DOWN)
		abort();
	switch (st) {
	case HA_VRRP_INIT:
		if (deadline != UINT64_MAX)
			abort();
		break;
	case HA_VRRP_BACKUP:
		if (deadline <= now)
			abort();
		break;
	case HA_VRRP_MASTER:
		if (deadline <= now ||
		    deadline > now + (uint64_t)vr->conf.advert_interval * HA_VRRP_NS_PER_CS)
			abort();
		break;
	default:
		abort();
	}
}

/* Each byte of @data is an event; some take the next byte as an argument. */
static void
run_script(const uint8_t *data, size_t size)
{
	static const uint8_t vip[4] = { 198, 51, 100, 100 };
	struct ha_vrrp_conf conf = {
		.vrid = 51,
		.advert_interval = 1,
		.family = 4,
		.n_vips = 1,
	};
	struct ha_vrrp vr;
	struct ha_vrrp_actions act;
	struct ha_vrrp_advert adv = {
		.family = 4,
		.vrid = 51,
		.count = 1,
		.max_adver_int = 1,
		.addrs = vip,
		.src = { 198, 51, 100, 0 },
	};
	uint64_t now = 1;
	size_t i = 0;

	if (size < 3)
		return;
	conf.priority = data[0] != 0 ? data[0] : 1;
	conf.preempt = data[1] & 1;
	conf.preempt_delay_ns = (data[1] >> 1) * 5 * HA_VRRP_NS_PER_CS;
	conf.garp_refresh_ns = (data[1] >> 5) * 3 * HA_VRRP_NS_PER_CS;
	conf.advert_interval = (uint16_t)(data[2] % 8 + 1);
	memcpy(conf.addr, our_addr, sizeof(our_addr));
	memcpy(conf.vips[0], vip, sizeof(vip));
	if (ha_vrrp_init(&vr, &conf) != 0)
		abort();
	for (i = 3; i < size; i++) {
		uint8_t arg = i + 1 < size ? data[i + 1] : 0;
		int ret;

		switch (data[i] % 8) {
		case 0:
			ha_vrrp_startup(&vr, now, &act);
			break;
		case 1:
			ha_vrrp_shutdown(&vr, now, &act);
			break;
		case 2: /* an advert: priority and source from the argument */
			adv.priority = arg;
			adv.src[3] = (uint8_t)(arg * 37);
			adv.max_adver_int = (uint16_t)(arg % 5 + 1);
			ret = ha_vrrp_recv(&vr, &adv, now, &act);
			if (ret != 0 && ret != -ELOOP)
				abort();
			i++;
			break;
		case 3: /* time passes, up to past the next deadline */
			if (ha_vrrp_deadline(&vr) != UINT64_MAX && (arg & 1))
				now = ha_vrrp_deadline(&vr) + (arg >> 1);
			else
				now += (uint64_t)arg * 1000000;
			ha_vrrp_timer(&vr, now, &act);
			i++;
			break;
		case 4:
			ha_vrrp_hold(&vr, (enum ha_vrrp_hold)(arg % 4), HA_VRRP_R_LINKS_DOWN, now,
			             &act);
			i++;
			break;
		case 5:
			ret = ha_vrrp_takeover(&vr, HA_VRRP_R_FAST_FAILOVER, now, &act);
			if (ret != 0 && ret != -EALREADY && ret != -EAGAIN && ret != -EPERM)
				abort();
			break;
		case 6:
			ret = ha_vrrp_resign(&vr, HA_VRRP_R_SIMULATE, now, &act);
			if (ret != 0 && ret != -EALREADY && ret != -EAGAIN)
				abort();
			break;
		default:
			ha_vrrp_error_count(&vr, -(int)(HA_VRRP_ERR_NOT_VRRP + arg % 12));
			act = (struct ha_vrrp_actions){ 0 };
			i++;
			break;
		}
		check_actions(&vr, &act, now);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	for (int mode = HA_VRRP_CSUM_RFC; mode <= HA_VRRP_CSUM_V2_COMPAT; mode++) {
		struct ha_vrrp_advert adv;
		int ret = ha_vrrp_pkt_decode(data, size, (enum ha_vrrp_csum)mode, &adv);

		if (ret == 0)
			check_advert(data, size, &adv, (enum ha_vrrp_csum)mode);
		else if (ret > -HA_VRRP_ERR_NOT_VRRP || ret <= -HA_VRRP_ERR_END)
			abort();
	}
	run_script(data, size);
	return 0;
}
