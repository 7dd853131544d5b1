#!/usr/bin/env node
// Command line of the format checks:
//   node test/formats/check.js TARGET [--run | --static | --allow-missing-exec] SUBJECT... [NAME=VALUE...]
// Prints ok / FAIL / warning lines. Exit 0 when every check passes, 1 when one
// fails, 2 on a usage error, 3 when a tool (or root) it needs is missing here.
import { TARGET_NAMES, formatCheck } from './index.js';

const [name, ...rest] = process.argv.slice(2);
const mod = name && (await formatCheck(name));
if (!mod) {
  process.stderr.write(`check.js: usage: check.js TARGET [options] SUBJECT...; TARGET is one of ${TARGET_NAMES.join(' ')}\n`);
  process.exit(2);
}
const options = { env: {} };
const subjects = [];
for (const word of rest) {
  if (word === '--run') options.run = true;
  else if (word === '--static') options.static = true;
  else if (word === '--allow-missing-exec') options.allowMissingExec = true;
  else if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(word)) options.env[word.slice(0, word.indexOf('='))] = word.slice(word.indexOf('=') + 1);
  else if (word.startsWith('--')) {
    process.stderr.write(`check.js: unknown option ${word}: ${name} takes ${mod.usage}\n`);
    process.exit(2);
  } else subjects.push(word);
}
if (subjects.length === 0) {
  process.stderr.write(`check.js: no subject: ${name} takes ${mod.usage}\n`);
  process.exit(2);
}
// systemd reads several units together (one may name another); the others one at a time
const reports = name === 'systemd' ? [await mod.check(subjects, options)] : await Promise.all(subjects.map((s) => mod.check(s, options)));
let status = 0;
for (const r of reports) {
  process.stdout.write(r.output);
  status = Math.max(status, r.status === 3 && status === 1 ? 1 : r.status);
}
process.exit(reports.some((r) => r.status === 1) ? 1 : status);
