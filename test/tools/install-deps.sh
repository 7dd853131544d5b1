#!/bin/sh
# Install the system tools the full test suite uses, on Debian or Ubuntu:
#   bash test/tools/install-deps.sh      (as root; sudo works too)
# Idempotent and quiet when nothing is missing. It runs apt-get update only when
# a package cannot be installed from the lists apt has, never removes a package,
# and starts no daemon (a temporary policy-rc.d answers 101 while it runs, unless
# the machine already has one). openrc is installed only when apt would remove
# nothing for it (on some systems it conflicts with the init system).
#
# Exit: 0 all present (or installed), 1 something could not be installed,
# 2 not root (the missing packages are listed), 3 not a Debian-like system.
set -u

# tool -> package: what the format checks and the tests run
PACKAGES='shellcheck busybox devscripts insserv systemd libxml2-utils libplist-utils python3 runit daemontools procps logrotate acl util-linux monit ansible-core nagios4-core icinga2-bin prometheus-node-exporter'
OPTIONAL='openrc'
export DEBIAN_FRONTEND=noninteractive

say() { printf 'install-deps: %s\n' "$*" >&2; }

if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
	say "not a Debian-like system (no dpkg-query/apt-get): install by hand: $PACKAGES $OPTIONAL"
	exit 3
fi

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

missing=''
for p in $PACKAGES; do installed "$p" || missing="$missing $p"; done
optional=''
for p in $OPTIONAL; do installed "$p" || optional="$optional $p"; done
[ -z "$missing$optional" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	say "missing:$missing$optional; as root run: bash test/tools/install-deps.sh"
	exit 2
fi

# no daemon may start while packages install (invoke-rc.d asks policy-rc.d)
POLICY=/usr/sbin/policy-rc.d
ADDED_POLICY=0
if [ ! -e "$POLICY" ]; then
	printf '#!/bin/sh\nexit 101\n' >"$POLICY" && chmod 755 "$POLICY" && ADDED_POLICY=1
fi
# shellcheck disable=SC2317 # called by the trap
cleanup() { if [ "$ADDED_POLICY" -eq 1 ]; then rm -f "$POLICY"; fi; }
trap cleanup EXIT INT TERM

APT='apt-get -y -q --no-install-recommends --no-remove -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold'
UPDATED=0
update_once() {
	[ "$UPDATED" -eq 1 ] && return 1
	UPDATED=1
	say "apt-get update"
	apt-get -q update >/dev/null 2>&1 || { say "apt-get update failed"; return 1; }
}
# install PACKAGES...: from the present lists first, then once more after an update
install() {
	out=$($APT install "$@" 2>&1) && return 0
	update_once && out=$($APT install "$@" 2>&1) && return 0
	say "apt-get install $* failed:"
	printf '%s\n' "$out" | tail -n 20 >&2
	return 1
}

status=0
if [ -n "$missing" ]; then
	say "installing:$missing"
	# shellcheck disable=SC2086 # word splitting of the package list is meant
	install $missing || status=1
fi
for p in $optional; do
	# apt-get -s: what installing it would do; a "Remv" line means it would remove something
	sim=$(apt-get -s -q --no-install-recommends install "$p" 2>&1)
	if ! printf '%s\n' "$sim" | grep -q '^Inst '; then
		update_once && sim=$(apt-get -s -q --no-install-recommends install "$p" 2>&1)
	fi
	if printf '%s\n' "$sim" | grep -q '^Remv '; then
		say "not installing $p: apt would remove $(printf '%s\n' "$sim" | sed -n 's/^Remv \([^ ]*\).*/\1/p' | tr '\n' ' ')"
		continue
	fi
	say "installing: $p"
	install "$p" || status=1
done
exit "$status"
