// The same program as app.js without initgen: the RSS baseline.
const { createServer } = await import('node:http');
const port = Number(process.env.PORT ?? 5000);
createServer((req, res) => res.end('hello\n')).listen(port, '127.0.0.1');
