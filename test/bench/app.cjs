// The benchmarked service, as a CommonJS program: examples/hello's HTTP server under
// init.simple(). node:http is required inside run() so that status/stop/start pay only
// for initgen. app.mjs is the same program as an ES module.
const init = require('initgen');

init.simple({
  name: 'benchapp',
  pidfile: '/var/run/benchapp.pid',
  logfile: '/var/log/benchapp.log',
  // the bench also times `start` without the settle window, to show the window is all it adds
  ...(process.env.BENCH_SETTLE_TIME !== undefined && { settleTime: Number(process.env.BENCH_SETTLE_TIME) }),
  run() {
    const { createServer } = require('node:http');
    const port = Number(process.env.PORT ?? 5000);
    createServer((req, res) => res.end('hello\n')).listen(port, '127.0.0.1');
  },
});
