// An ordinary HTTP server that knows nothing about initgen. `npm start` runs it;
// `npx initgen init` turns package.json into a config with "program": "plain",
// and the generated service files run it unchanged (docs/unmodified.md).
const { createServer } = require('node:http');

const i = process.argv.indexOf('--port');
const port = i === -1 ? 8080 : Number(process.argv[i + 1]);
createServer((req, res) => res.end('hello\n')).listen(port, () => console.log(`listening on ${port}`));
process.on('SIGTERM', () => {
  console.log('closing');
  process.exit(0);
});
