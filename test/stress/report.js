#!/usr/bin/env node
// Prints the figures the last `npm run test:stress` recorded, section by section,
// in the words docs/reliability.md uses. Usage: node test/stress/report.js [--json]
import { readFileSync } from 'node:fs';
import { FIGURES } from './lib.js';

let all;
try {
  all = JSON.parse(readFileSync(FIGURES, 'utf8'));
} catch {
  console.error(`no figures at ${FIGURES}: run \`npm run test:stress\` first`);
  process.exit(1);
}
if (process.argv.includes('--json')) {
  console.log(JSON.stringify(all, null, 2));
  process.exit(0);
}
const line = (text) => console.log(`  ${text}`);
const section = (key, title, body) => {
  const f = all[key];
  console.log(`\n${title}${f ? ` (scale ${f.scale}, ${f.at})` : ''}`);
  if (!f) return line('not run');
  body(f);
};

section('races', '1. Races', (f) => {
  const c = f.concurrentStarts;
  if (c) line(`${c.starts} simultaneous starts: ${c.exit0} exited 0, ${c.daemons} daemon, ${c.namingTheDaemon} named its pid`);
  const r = f.randomActions;
  if (r) {
    line(`${r.callers} callers, ${r.actions} random actions (seed ${r.seed}): ${Object.entries(r.counts).map(([a, n]) => `${a} ${n}`).join(', ')}`);
    line(`${r.checkpoints} idle checkpoints: ${r.statusDisagreements} status disagreements, ${r.unexpectedCodes} unexpected exit codes, at most ${r.maxDaemonsSampled} daemon seen at any sample, ${r.orphans} orphans`);
  }
});
section('identity', '2. Pid reuse and identity', (f) => {
  for (const [label, c] of Object.entries(f.cases)) {
    line(`${label}: status ${c.codes.status}, reload ${c.codes.reload}, stop ${c.codes.stop}, start ${c.codes.start}; signals received ${c.signals?.length ?? 0}; untouched ${c.untouched}; real daemon started ${c.realDaemonStarted}`);
  }
});
section('garbage', '3. Garbage pid files', (f) => {
  line(`kinds tried: ${Object.entries(f.kinds).map(([k, n]) => `${k} ${n}`).join(', ')}`);
  line(`exit codes: ${Object.entries(f.codes).map(([k, n]) => `${k} ×${n}`).join(', ')}`);
  line(`hangs ${f.hangs}, signals received by canaries ${f.signalled}`);
});
section('faults', '4 and 8. Faults and signals during actions', (f) => {
  const held = f.interruptions.filter((i) => i.consistent).length;
  line(`${f.interruptions.length} interruptions, ${held} left a consistent state and recovered:`);
  for (const i of f.interruptions) line(`  ${i.action} ${i.group ? 'group ' : ''}${i.signal} ${i.phase}: then ${i.stateAfter}, next start ${i.nextStart}, next stop ${i.nextStop}`);
  for (const [name, v] of Object.entries(f.faults)) line(`${name}: ${JSON.stringify(v)}`);
});
section('rotation', '5. Logs under copytruncate rotation', (f) => {
  line(`${f.lines} lines in ${(f.elapsedMs / 1000).toFixed(1)} s, ${f.rotations} rotations (logrotate -f every ${f.intervalMs} ms + its own run time), ${f.files} files`);
  line(`lost ${f.lost} (${f.lostPercent} %, ${f.lostPerRotation} per rotation), duplicated ${f.duplicated}, torn ${f.tornLines}`);
});
for (const design of ['writer+logrotate', 'writer+size']) {
  section(`rotation ${design}`, `5. Logs under rotation, ${design}`, (f) => {
    line(`${f.lines} lines in ${(f.elapsedMs / 1000).toFixed(1)} s, ${f.rotations} rotations, ${f.files} files`);
    line(`lost ${f.lost}, duplicated ${f.duplicated}, torn ${f.tornLines}; ${f.extraProcesses} extra process, peak RSS ${f.writerPeakRssMiB} MiB, CPU ${f.writerCpuMs} ms (${f.writerCpuUsPerLine} µs per line)`);
  });
}
section('generator', '6. Hostile generator configs', (f) => {
  line(`${f.runs} configs, ${f.charsTried} characters: ${f.rejected} rejected naming the field, ${f.accepted} rendered`);
  line(`rejected by field: ${Object.entries(f.rejectedBy).map(([k, n]) => `${k} ${n}`).join(', ')}`);
  if (f.renderRefused) line(`refused by a target, naming the field: ${Object.entries(f.renderRefused).map(([k, n]) => `${k} ${n}`).join(', ')}`);
  line(`round trips: ${Object.entries(f.checks).map(([k, n]) => `${k} ${n}`).join(', ')}`);
});
section('privilege', '7. Privilege', (f) => {
  for (const [name, v] of Object.entries(f)) if (typeof v === 'object') line(`${name}: ${JSON.stringify(v)}`);
});
