#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Stopping rampartd by signal: SIGHUP reloads the policy (there is none here: it says so and
# keeps forwarding); SIGTERM and then SIGINT (each on a fresh start, forwarding traffic first)
# make it exit 0 promptly and leave nothing behind that it created: no process
# in the node namespace, no control socket, no DPDK runtime directory /var/run/dpdk/<prefix>
# and no hugepage files of its prefix; on a private hugetlbfs, nothing is left after SIGTERM
# or kill -9. Then the test's own teardown leaves no namespace.
set -euo pipefail
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

rp_init sd
rp_require_tools ping timeout
rp_require_daemon
rp_topo_create
# Fixed neighbours: the counted pings right after each start never wait on ARP.
rp_topo_static_neigh
rp_write_config "$RP_TMP/node.conf" 100
prefix=rampart-$RP_NODE_ID

for sig in TERM INT; do
	rp_daemon_start "$RP_TMP/node.conf"
	[ -d "/var/run/dpdk/$prefix" ] ||
		rp_fail "no DPDK runtime directory /var/run/dpdk/$prefix while rampartd runs (wrong prefix?)"
	rp_expect_eq "SIG$sig run: pings forwarded before the signal" 10 \
		"$(rp_ping "$RP_NS_UP" "$RP_DOWN_IP4" 10)"
	if [ "$sig" = TERM ]; then
		# SIGHUP is not a stop signal: the daemon says so and keeps forwarding.
		kill -s HUP "$RP_DAEMON_PID"
		sleep 0.5
		rp_alive "$RP_DAEMON_PID" || rp_fail "rampartd died on SIGHUP"
		rp_expect_eq "pings forwarded after SIGHUP" 5 "$(rp_ping "$RP_NS_UP" "$RP_DOWN_IP4" 5)"
		grep -q "SIGHUP received: no policy file to reload" "$RP_DAEMON_LOG" ||
			rp_fail "rampartd did not log the SIGHUP"
	fi
	t0=$SECONDS
	kill -s "$sig" "$RP_DAEMON_PID"
	rp_wait_exit "$RP_DAEMON_PID" 5
	[ "$RP_STATUS" != running ] || rp_fail "rampartd still running 5s after SIG$sig"
	rp_expect_eq "SIG$sig: rampartd exit status" 0 "$RP_STATUS"
	rp_log "rampartd exited $((SECONDS - t0))s after SIG$sig"
	left=$(ip netns pids "$RP_NS_NODE" | tr '\n' ' ')
	[ -z "$left" ] || rp_fail "SIG$sig: processes left in the node namespace: $left"
	[ ! -e "$RP_SOCK" ] || rp_fail "SIG$sig: control socket $RP_SOCK left behind"
	[ ! -e "/var/run/dpdk/$prefix" ] ||
		rp_fail "SIG$sig: /var/run/dpdk/$prefix left behind: $(ls -A "/var/run/dpdk/$prefix")"
	huge=$(find /dev/hugepages -maxdepth 1 -name "${prefix}*" 2>/dev/null | head -3 || true)
	[ -z "$huge" ] || rp_fail "SIG$sig: hugepage files left behind: $huge"
	rp_log "ok: SIG$sig left no process, socket, runtime directory or hugepage file"
done

# On hugepages, from a private hugetlbfs mount: nothing may be left in it, after SIGTERM or
# after kill -9 (the files are unlinked as soon as they are mapped).
if rp_huge_setup 96 80; then
	sed -e "s|memory_mb = 512; hugepages = false; extra_args = \[\]|memory_mb = 128; hugepages = true; extra_args = [\"--huge-dir\", \"$RP_HP_DIR\"]|" \
		"$RP_TMP/node.conf" >"$RP_TMP/node-huge.conf"
	grep -q "hugepages = true" "$RP_TMP/node-huge.conf" || rp_fail "could not write the hugepage config"
	for sig in TERM KILL; do
		rp_daemon_start "$RP_TMP/node-huge.conf"
		rp_expect_eq "hugepages, SIG$sig run: pings forwarded" 10 \
			"$(rp_ping "$RP_NS_UP" "$RP_DOWN_IP4" 10)"
		used=$(($(cat "$RP_HP_SYS/nr_hugepages") - $(cat "$RP_HP_SYS/free_hugepages")))
		[ "$used" -gt 0 ] || rp_fail "rampartd runs on hugepages but no 2 MB page is in use"
		kill -s "$sig" "$RP_DAEMON_PID"
		rp_wait_exit "$RP_DAEMON_PID" 5
		[ "$RP_STATUS" != running ] || rp_fail "rampartd still running 5s after SIG$sig"
		[ "$sig" = KILL ] || rp_expect_eq "hugepages, SIGTERM: exit status" 0 "$RP_STATUS"
		left=$(find "$RP_HP_DIR" -mindepth 1 | head -3)
		[ -z "$left" ] || rp_fail "SIG$sig: files left in hugetlbfs: $left"
		rp_log "ok: SIG$sig on hugepages left nothing in $RP_HP_DIR"
		# After kill -9 the runtime directory and socket remain; the next start reuses them.
		rm -rf "/var/run/dpdk/$prefix"
	done
else
	rp_log "hugepage run not done: $RP_HP_NOTE"
fi

# The library's teardown, run here rather than at exit so its result can be checked.
rp_teardown
left=$(ip netns list | grep -F -- "$RP_TAG" || true)
[ -z "$left" ] || rp_fail "namespaces left after teardown: $left"
rp_log "ok: no namespace of this run left"
rp_log "PASS"
