// The same program as app.cjs without initgen: the RSS baseline.
const { createServer } = require('node:http');
const port = Number(process.env.PORT ?? 5000);
createServer((req, res) => res.end('hello\n')).listen(port, '127.0.0.1');
