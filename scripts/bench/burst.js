// The burst benchmark (bench/burst.ts): N = 1, 10, 30 jobs in one process against the
// sandbox — Kubernetes API requests and bytes, peak RSS, per-job pod-created lag p95.
//
//   npm run bench -- burst [--sizes=1,10,30]
const { spawn } = require('node:child_process');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '../..');

function run(options) {
  const own = options.filter((o) => o.startsWith('--sizes='));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bench/burst.ts'), ...own], {
      cwd: ROOT,
      stdio: 'inherit',
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => (code === 0 ? resolve() : reject(new Error(`burst exited with ${signal ?? code}`))));
  });
}

module.exports = {
  name: 'burst',
  description: 'a burst of N = 1, 10, 30 jobs in one process: API requests flat in N, pod-created lag p95, peak RSS',
  run,
};
