// The suite VS Code loads in the extension host (extensionTestsPath): the test-electron contract is a
// module exporting `run()`, whose rejection makes the run exit non-zero. Files of tests register with
// `test()` when imported; add new ones to the imports below.
import './activation.tests';
import './probeRuns.tests';
import './hostUx.tests';
import './podActions.tests';
import './exportTrace.tests';
import { runTests } from './runner';

export async function run(): Promise<void> {
  const { tests } = await runTests(process.env.CONSUMER_PROBE_E2E_RESULTS);
  const failed = tests.filter((t) => !t.ok).map((t) => t.name);
  if (tests.length === 0) throw new Error('no in-host tests were registered');
  if (failed.length > 0) throw new Error(`${failed.length} of ${tests.length} in-host tests failed: ${failed.join(', ')}`);
}
