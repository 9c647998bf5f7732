// The probe's cost and precision side by side with the old test's method (bench/probeCost.ts, see
// bench/README.md), run as its own Node process under tsx like the test suites.
//
//   npm run bench -- probeCost [--reps=N] [--scenarios=a,b] [--pods=N] [--events=N] [--trickle=PER_S] [--methods=probe,old] [--json]
const { spawn } = require('node:child_process');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '../..');
const OWN_OPTIONS = ['reps', 'scenarios', 'pods', 'events', 'trickle', 'methods', 'json'];

function run(options) {
  // The runner hands every benchmark the same options: keep the ones this benchmark takes.
  const own = options.filter((o) => OWN_OPTIONS.includes(o.replace(/^--/, '').split('=')[0]));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bench/probeCost.ts'), ...own], {
      cwd: ROOT,
      stdio: 'inherit',
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => (code === 0 ? resolve() : reject(new Error(`probeCost exited with ${signal ?? code}`))));
  });
}

module.exports = {
  name: 'probeCost',
  description: "the probe's API cost, start delay and stage lags vs the old method, with 0 and 2,000 unrelated pods",
  run,
};
