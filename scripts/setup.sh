#!/usr/bin/env bash
# setup.sh: prepares a Debian 12 machine to build, test and run vswitch. Idempotent: a second
# run changes nothing and takes a second.
#
#   1. installs the Debian packages the build and the tests need (apt-get, only when something
#      is missing; `apt-get update` first);
#   2. reserves 2 MB hugepages (VSWITCH_HUGEPAGES, default 1024 = 2 GiB) if fewer are reserved,
#      and mounts hugetlbfs at /dev/hugepages if nothing is mounted there.
#
# Needs root. Environment knobs:
#   VSWITCH_SKIP_APT=1         do not install packages
#   VSWITCH_SKIP_HUGEPAGES=1   do not touch hugepages
#   VSWITCH_HUGEPAGES=N        number of 2 MB hugepages to have reserved (default 1024)
#   VSWITCH_EXTRA_PACKAGES=".." more Debian packages to install (e.g. openvswitch-switch-dpdk
#                              for bench/, tshark for debugging)
set -euo pipefail
source "$(dirname "$0")/common.sh"

# Build: compiler, CMake/Ninja and every library CMakeLists.txt finds.
BUILD_PACKAGES=(
  cmake ninja-build g++ pkg-config git
  dpdk dpdk-dev libdpdk-dev libbpf-dev libxdp-dev libpcap-dev
  libboost-program-options-dev
  protobuf-compiler libprotobuf-dev libgrpc++-dev protobuf-compiler-grpc
  libgtest-dev
)
# Tests: namespaces and veths, traffic tools, Python with scapy, QEMU guests for tests/vm.
TEST_PACKAGES=(
  iproute2 ethtool iputils-ping tcpdump netcat-openbsd procps kmod coreutils
  python3 python3-scapy
  qemu-system-x86 busybox-static xz-utils zstd cpio
)
HUGEPAGES="${VSWITCH_HUGEPAGES:-1024}"

if ! is_root; then
  cat >&2 <<MSG
setup.sh must run as root: it installs Debian packages and reserves hugepages.
Run:   sudo $0
or, to do the two parts by hand:
   sudo apt-get update && sudo apt-get install -y ${BUILD_PACKAGES[*]} ${TEST_PACKAGES[*]}
   echo ${HUGEPAGES} | sudo tee /proc/sys/vm/nr_hugepages
   mountpoint -q /dev/hugepages || sudo mount -t hugetlbfs nodev /dev/hugepages
MSG
  exit 1
fi

install_packages() {
  local wanted=("${BUILD_PACKAGES[@]}" "${TEST_PACKAGES[@]}")
  # shellcheck disable=SC2206  # word splitting of the extra list is the point
  [[ -n "${VSWITCH_EXTRA_PACKAGES:-}" ]] && wanted+=(${VSWITCH_EXTRA_PACKAGES})
  local missing=() pkg
  for pkg in "${wanted[@]}"; do
    if [[ "$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null)" != "installed" ]]; then
      missing+=("$pkg")
    fi
  done
  if [[ ${#missing[@]} -eq 0 ]]; then
    step "packages: all ${#wanted[@]} already installed, apt-get skipped"
    # tests/vm fetches the Debian kernel with apt-get download, which needs package lists
    # (a fresh container image ships without them).
    if ! compgen -G "/var/lib/apt/lists/*_Packages*" >/dev/null; then
      info "apt has no package lists yet: running apt-get update (tests/vm downloads a kernel)"
      DEBIAN_FRONTEND=noninteractive apt-get update -q
    fi
    return
  fi
  step "packages: installing ${#missing[@]} missing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  # No recommends: they pull desktop pieces (QEMU's GUI, ...) the switch never uses.
  apt-get install -y -q --no-install-recommends \
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "${missing[@]}"
  info "installed: ${missing[*]}"
}

reserve_hugepages() {
  local nr_file=/proc/sys/vm/nr_hugepages current
  current="$(cat "$nr_file")"
  if (( current >= HUGEPAGES )); then
    step "hugepages: ${current} x 2 MB already reserved (wanted ${HUGEPAGES}), unchanged"
  else
    step "hugepages: reserving ${HUGEPAGES} x 2 MB (was ${current})"
    if ! echo "$HUGEPAGES" > "$nr_file" 2>/dev/null; then
      die "cannot write $nr_file (a container without /proc/sys write access?); reserve hugepages on the host, or run vswitchd with --no-huge"
    fi
    current="$(cat "$nr_file")"
    if (( current < HUGEPAGES )); then
      # Memory is fragmented: free the page cache and compact, then try once more.
      sync; echo 3 > /proc/sys/vm/drop_caches; echo 1 > /proc/sys/vm/compact_memory 2>/dev/null || true
      echo "$HUGEPAGES" > "$nr_file"
      current="$(cat "$nr_file")"
    fi
    if (( current < HUGEPAGES )); then
      warn "only ${current} of ${HUGEPAGES} hugepages could be reserved (not enough free contiguous memory)"
    else
      info "reserved ${current} x 2 MB hugepages (not persistent across reboots: add vm.nr_hugepages=${HUGEPAGES} to /etc/sysctl.d/ for that)"
    fi
    (( current > 0 )) || die "no hugepages could be reserved"
  fi
  if mountpoint -q /dev/hugepages; then
    info "hugetlbfs already mounted at /dev/hugepages"
  else
    mkdir -p /dev/hugepages
    mount -t hugetlbfs nodev /dev/hugepages
    info "mounted hugetlbfs at /dev/hugepages"
  fi
  info "free hugepages now: $(awk '/HugePages_Free/ {print $2}' /proc/meminfo) x 2 MB"
}

check_kernel() {
  # TAP ports and the tests' namespaces need these; say so now rather than in a test log.
  [[ -c /dev/net/tun ]] || modprobe tun 2>/dev/null || warn "/dev/net/tun is missing: tap ports will not work"
  ip netns list >/dev/null 2>&1 || warn "network namespaces do not work here: integration tests will fail"
}

if [[ "${VSWITCH_SKIP_APT:-0}" == 1 ]]; then
  step "packages: skipped (VSWITCH_SKIP_APT=1)"
else
  install_packages
fi
if [[ "${VSWITCH_SKIP_HUGEPAGES:-0}" == 1 ]]; then
  step "hugepages: skipped (VSWITCH_SKIP_HUGEPAGES=1)"
else
  reserve_hugepages
fi
check_kernel
step "setup done"
