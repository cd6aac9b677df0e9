#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Install the Debian packages Rampart needs to build, test, run the demo and the benchmark.
# Only packages that are missing are installed, and `apt-get update` runs once, only then.
# Non-interactive: safe under CI (no terminal, no stdin). Needs root (or sudo).
#
#   tools/install-deps.sh            install what is missing
#   tools/install-deps.sh --check    list what is missing; exit 1 if anything is
set -euo pipefail

PACKAGES=(
	# build
	meson ninja-build pkg-config gcc libc6-dev clang llvm
	dpdk dpdk-dev libdpdk-dev libconfig-dev liburcu-dev libbpf-dev libjansson-dev
	# unit tests
	libcmocka-dev
	# integration tests, demo, benchmark
	python3 python3-scapy iproute2 ethtool tcpdump iputils-ping netcat-openbsd
	procps psmisc coreutils util-linux findutils
	netsniff-ng # trafgen, the benchmark's packet generator
	# HA: keepalived is the peer of the interoperability test and the failover benchmark
	keepalived
	# the mitigation benchmark (tools/bench/mitigate.sh): callgrind, BPF_PROG_TEST_RUN,
	# GNU time for dpdk-test-acl's peak memory
	valgrind bpftool time
)

missing=()
for p in "${PACKAGES[@]}"; do
	if [ "$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null)" != "ii " ]; then
		missing+=("$p")
	fi
done

if [ "${1:-}" = --check ]; then
	if [ "${#missing[@]}" -eq 0 ]; then
		echo "install-deps: every package is installed"
		exit 0
	fi
	echo "install-deps: missing: ${missing[*]}"
	exit 1
fi

if [ "${#missing[@]}" -eq 0 ]; then
	echo "install-deps: all ${#PACKAGES[@]} packages present"
	exit 0
fi

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
	if command -v sudo >/dev/null 2>&1; then
		SUDO=(sudo -n)
	else
		echo "install-deps: missing ${missing[*]}; run as root to install them" >&2
		exit 1
	fi
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
APT_OPTS=(-o DPkg::Lock::Timeout=300 -o Dpkg::Options::=--force-confdef
	-o Dpkg::Options::=--force-confold)
"${SUDO[@]}" apt-get "${APT_OPTS[@]}" update -qq </dev/null
"${SUDO[@]}" apt-get "${APT_OPTS[@]}" install -y -qq --no-install-recommends "${missing[@]}" \
	</dev/null
echo "install-deps: done"
