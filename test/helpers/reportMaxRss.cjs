// Preloaded into a spawned CLI (`node --require THIS dist/cli.js …`): when the process exits, it writes
// its peak resident set size in KiB, from the process's own counters, to the file that
// CONSUMER_PROBE_MAXRSS_FILE names. Memory is asserted on that, never on timing.
const { writeFileSync } = require('node:fs');

const file = process.env.CONSUMER_PROBE_MAXRSS_FILE;
if (file) process.on('exit', () => writeFileSync(file, String(process.resourceUsage().maxRSS)));
