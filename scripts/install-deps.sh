#!/bin/bash
# SPDX-License-Identifier: ISC
# Install the Debian 12 packages needed to build and test nss-dnscrypt.
# Idempotent: only missing packages are installed, and apt-get update runs
# only when something is missing.  Services shipped by these packages
# (nsd, dnsdist) are not started: a temporary /usr/sbin/policy-rc.d that
# exits 101 is in place during the install unless one already exists.
# The tests never use packaged services anyway: they run their own
# servers in a private network namespace (tests/run.sh).
set -euo pipefail

PACKAGES=(
    build-essential pkg-config libsodium-dev libc-ares-dev
    dnsdist nsd tcpdump dnsutils
    clang libclang-rt-14-dev llvm valgrind
    python3 curl iproute2 util-linux libcap2-bin
    procps libldns-dev libssl-dev dns-root-data
    debhelper dpkg-dev fakeroot lintian man-db groff-base minisign
)

missing=()
for p in "${PACKAGES[@]}"; do
    st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
    [ "$st" = installed ] || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
    echo "install-deps: all ${#PACKAGES[@]} packages already installed"
    exit 0
fi

echo "install-deps: missing: ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
        exec sudo -- "$0" "$@"
    fi
    echo "install-deps: must run as root to install packages" >&2
    exit 1
fi

POLICY=/usr/sbin/policy-rc.d
created_policy=0
cleanup() {
    if [ "$created_policy" = 1 ]; then rm -f "$POLICY"; fi
}
trap cleanup EXIT
if [ ! -e "$POLICY" ]; then
    printf '#!/bin/sh\n# temporary, from nss-dnscrypt scripts/install-deps.sh\nexit 101\n' >"$POLICY"
    chmod 755 "$POLICY"
    created_policy=1
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"

still=()
for p in "${missing[@]}"; do
    st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
    [ "$st" = installed ] || still+=("$p")
done
if [ ${#still[@]} -ne 0 ]; then
    echo "install-deps: still missing after install: ${still[*]}" >&2
    exit 1
fi
echo "install-deps: installed ${#missing[@]} package(s): ${missing[*]}"
