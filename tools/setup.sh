#!/bin/sh
# The README's first command, for a fresh Debian 12 machine (as root):
# install what the build and the tests need (only what is missing), build,
# and audit this host against the default profile.
#   sh tools/setup.sh              install, build, audit
#   sh tools/setup.sh --deps-only  install only (what .ci/run uses)
set -eu
cd "$(dirname "$0")/.."

# Build: compiler, pkg-config and the four libraries. Tests: cmocka, strace
# (crash test), python3 (JSON validation), iproute2 and util-linux
# (namespaces, veth; prlimit and findmnt for the differential test), procps
# (sysctl, for the benchmark and the differential test), man-db (man -l),
# ethtool (cross-checks of the net domain), hyperfine (make bench),
# prometheus (promtool checks what -f prometheus writes).
# dist/ and debian/: prometheus-node-exporter (textfile collector), ansible-core
# (playbooks), debhelper and lintian (the package), bash-completion, systemd
# (systemd-analyze verify of the units).
# Memory checks and static analysis (make check-valgrind, make lint):
# valgrind, cppcheck, clang-tidy (ASan and UBSan come with gcc).
# Fuzzing (make fuzz): clang, libclang-rt-14-dev (libFuzzer and the
# sanitizer runtimes), llvm-14 (llvm-symbolizer, for readable reports).
# chromium: tests/cli/html-browser.sh renders the -f html pages headless
# (no console message, a screenshot); without it that test skips.
packages="gcc make pkg-config libc6-dev libcap-dev libmnl-dev libinih-dev
libcmocka-dev linux-libc-dev strace python3 iproute2 util-linux procps man-db
ethtool hyperfine prometheus prometheus-node-exporter ansible-core debhelper
lintian bash-completion systemd valgrind cppcheck clang-tidy clang-format
clang libclang-rt-14-dev llvm-14 chromium"

missing=
for p in $packages; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing="$missing $p"
done
if [ -n "$missing" ]; then
	if [ "$(id -u)" != 0 ]; then
		echo "setup: missing packages:$missing (run as root to install)" >&2
		exit 2
	fi
	echo "setup: installing$missing"
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing
fi
[ "${1:-}" = --deps-only ] && exit 0

make -j"$(nproc)"
# Deviations (exit 1) are findings, not a failed setup.
./hosttune audit || [ $? = 1 ]
