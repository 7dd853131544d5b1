// The benchmarked service as an ES module: app.cjs is the same program in CommonJS.
// node:http is imported inside run() so that status/stop/start pay only for initgen.
import init from 'initgen';

init.simple({
  name: 'benchapp',
  pidfile: '/var/run/benchapp.pid',
  logfile: '/var/log/benchapp.log',
  async run() {
    const { createServer } = await import('node:http');
    const port = Number(process.env.PORT ?? 5000);
    createServer((req, res) => res.end('hello\n')).listen(port, '127.0.0.1');
  },
});
