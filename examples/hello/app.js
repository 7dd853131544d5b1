// A complete service: `node app.js start|stop|restart|try-restart|reload|force-reload|status|run|logs`.
import http from 'node:http';
import init from 'initgen';

let greeting = 'hello';

init.simple({
  name: 'hello',
  pidfile: '/var/run/hello.pid',
  logfile: '/var/log/hello.log',
  run() {
    const port = Number(process.env.PORT ?? 5000);
    http.createServer((req, res) => res.end(`${greeting}\n`)).listen(port, '127.0.0.1');
    console.log(`hello: listening on 127.0.0.1:${port}`);
  },
  reload() {
    // a real service would re-read its configuration here
    greeting = process.env.GREETING ?? 'hello';
    console.log('hello: reloaded');
  },
});
