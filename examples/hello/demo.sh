#!/bin/sh
# Runs examples/hello for real: start, status (with its exit code), a request,
# reload, stop, status again; then renders its service files for every target.
# Pid and log files go to a temporary directory, so no root is needed.
set -u
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/initgen-hello.XXXXXX")
PORT=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
export INITGEN_PIDFILE="$work/run/hello.pid" INITGEN_LOGFILE="$work/log/hello.log" PORT
app() { printf '$ node app.js %s\n' "$*"; node "$here/app.js" "$@"; echo "  -> exit $?"; }
trap 'node "$here/app.js" stop >/dev/null 2>&1; rm -rf "$work"' EXIT

app status
app start
app status
printf '$ GET http://127.0.0.1:%s/\n' "$PORT"
node -e 'fetch(process.argv[1]).then(r=>r.text()).then(t=>process.stdout.write("  "+t))' "http://127.0.0.1:$PORT/"
app reload
app stop
app status
printf '$ node app.js logs -n 5\n'
node "$here/app.js" logs -n 5 | sed 's/^/  /'

printf '\n$ initgen --target all --config examples/hello/initgen.json --out %s/out\n' "$work"
node "$here/../../bin/initgen.js" --target all --config "$here/initgen.json" --out "$work/out" || exit 1
(cd "$work/out" && find . -type f | sort | sed 's/^/  /')
