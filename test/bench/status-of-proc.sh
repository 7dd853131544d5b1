#!/bin/sh
# `status` as a Debian init script answers it, and nothing else: status_of_proc from
# /lib/lsb/init-functions, hooks included, on the pid file the bench gives it.
# Usage: status-of-proc.sh PIDFILE DAEMON NAME
# shellcheck source=/dev/null # the distribution's file, not ours to check
. /lib/lsb/init-functions
status_of_proc -p "$1" "$2" "$3"
