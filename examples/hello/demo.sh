#!/bin/sh
# Runs examples/hello for real: start, status (with its exit code), a request,
# reload, stop, status again; then renders its service files for every target.
# Pid and log files go to a temporary directory, so no root is needed.
set -u
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/initgen-hello.XXXXXX")
PORT=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
export PORT
# The pid and log files go under $work the way a generated init script sets
# them: as setting words right after the action (docs/contract.md §6).
pidfile="$work/run/hello.pid" logfile="$work/log/hello.log" words=yes
hello() {
  action=$1; shift
  if [ "$words" = yes ]; then
    node "$here/app.js" "$action" "--initgen-pidfile=$pidfile" "--initgen-logfile=$logfile" "$@"
  else
    node "$here/app.js" "$action" "$@"
  fi
}
hello status >/dev/null 2>&1
if [ $? -eq 2 ]; then
  # a library from before the setting words took these from the environment
  export INITGEN_PIDFILE="$pidfile" INITGEN_LOGFILE="$logfile"
  words=no
fi
# app EXPECTED ACTION: run it, show its exit code, remember a surprise
failed=0
app() {
  expected=$1; shift
  printf '$ node app.js %s\n' "$*"
  hello "$@"; code=$?
  if [ "$code" -eq "$expected" ]; then echo "  -> exit $code"; else echo "  -> exit $code (expected $expected)"; failed=1; fi
}
trap 'hello stop >/dev/null 2>&1; rm -rf "$work"' EXIT

app 3 status
app 0 start
app 0 status
printf '$ GET http://127.0.0.1:%s/\n' "$PORT"
node -e 'fetch(process.argv[1]).then(r=>r.text()).then(t=>process.stdout.write("  "+t))' "http://127.0.0.1:$PORT/" || failed=1
app 0 reload
app 0 stop
app 3 status
printf '$ node app.js logs -n 5\n'
hello logs -n 5 | sed 's/^/  /'

printf '\n$ initgen --target all --config examples/hello/initgen.json --out %s/out\n' "$work"
node "$here/../../bin/initgen.js" --target all --config "$here/initgen.json" --out "$work/out" || exit 1
(cd "$work/out" && find . -type f | sort | sed 's/^/  /')
exit "$failed"
