#!/bin/sh
### BEGIN INIT INFO
# Provides:          benchapp
# Required-Start:    $remote_fs
# Required-Stop:     $remote_fs
# Default-Start:     2 3 4 5
# Default-Stop:      0 1 6
# Short-Description: benchapp (Debian-style baseline for the benchmark)
### END INIT INFO
# The classic Debian init script: start-stop-daemon makes the pid file and
# backgrounds `node app.js run`; status is status_of_proc. Paths come from the
# environment only so the benchmark can use a temporary directory.
NAME=benchapp
DAEMON=${BENCH_NODE:-/usr/bin/node}
SCRIPT=${BENCH_SCRIPT:?}
PIDFILE=${BENCH_PIDFILE:?}
LOGFILE=${BENCH_LOGFILE:-/dev/null}

[ -x "$DAEMON" ] || exit 5
# shellcheck source=/dev/null # the distribution's file, not ours to check
. /lib/lsb/init-functions

case "$1" in
start)
	start-stop-daemon --start --quiet --background --make-pidfile --pidfile "$PIDFILE" \
		--output "$LOGFILE" --exec "$DAEMON" -- "$SCRIPT" run || exit 1
	;;
stop)
	start-stop-daemon --stop --quiet --retry=TERM/10/KILL/5 --pidfile "$PIDFILE" --exec "$DAEMON"
	case $? in 0 | 1) rm -f "$PIDFILE" ;; *) exit 1 ;; esac
	;;
status)
	status_of_proc -p "$PIDFILE" "$DAEMON" "$NAME" && exit 0 || exit $?
	;;
*)
	echo "Usage: $0 {start|stop|status}" >&2
	exit 3
	;;
esac
