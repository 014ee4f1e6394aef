// Prints the comparison table for run.sh from the two JSON files:
//   node report.mjs <libsignal.json> <ours.json | ->
// libsignal.json: libsignal-bench.mjs output, {workload: {opsPerSec, meanMicros, n}, _meta: {...}}.
// ours.json: `dotnet run ... compare-libsignal --json`, {workload: {opsPerSec, meanMicros, n}, floors: {workload: micros}}.
// "-" (or a missing or unreadable file) prints libsignal's column alone.

import { readFileSync } from 'node:fs';

const WORKLOADS = ['session-setup', 'encrypt-decrypt-160', 'ping-pong', 'group-160', 'group-4096'];

function load(file, what) {
  if (!file || file === '-') {
    return null;
  }
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    process.stderr.write(`report: cannot read ${what} results from ${file}: ${err.message}\n`);
    return null;
  }
}

const libsignal = load(process.argv[2], 'libsignal');
const ours = load(process.argv[3], 'our');
if (libsignal === null) {
  process.exit(1);
}

const micros = (result) => (result && typeof result.meanMicros === 'number' ? result.meanMicros : null);
const fmt = (v, digits = 1) => (v === null || !Number.isFinite(v) ? 'n/a' : v.toFixed(digits));
const times = (v) => (v === null || !Number.isFinite(v) ? 'n/a' : `${v.toFixed(2)}x`);

const header = ['workload', 'libsignal (Node) µs/op', 'ours µs/op', 'ratio', 'floor µs', 'ours/floor'];
const rows = [];
for (const name of WORKLOADS) {
  const theirs = micros(libsignal[name]);
  const mine = ours ? micros(ours[name]) : null;
  const floor = ours && ours.floors && typeof ours.floors[name] === 'number' ? ours.floors[name] : null;
  rows.push([
    name,
    fmt(theirs),
    fmt(mine),
    times(theirs !== null && mine !== null ? theirs / mine : null),
    fmt(floor),
    times(mine !== null && floor !== null ? mine / floor : null),
  ]);
}

const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (cells) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ');
console.log(line(header));
console.log(widths.map((w) => '-'.repeat(w)).join('-|-'));
for (const row of rows) {
  console.log(line(row));
}
console.log('');
console.log('ratio = libsignal µs / our µs (our throughput as a multiple of libsignal\'s); ours/floor = our µs / floor µs.');
const counts = WORKLOADS.map((name) => {
  const theirs = libsignal[name] ? libsignal[name].n : 'n/a';
  const mine = ours && ours[name] ? ours[name].n : 'n/a';
  return `${name} ${theirs}/${mine}`;
});
console.log('group-* rows: sender-key messages (one XEdDSA signature + one verification each); no SPQR on either side. ' +
  'session rows: both sides run SPQR (the triple ratchet).');
console.log(`iterations measured (libsignal/ours): ${counts.join(', ')}`);
if (libsignal._meta) {
  console.log(`libsignal: ${libsignal._meta.implementation}; stores: ${libsignal._meta.stores}`);
}
if (ours === null) {
  console.log('ours: no results (see the error above); only libsignal\'s column is filled in.');
}
