// The benchmark runner: `npm run bench` runs every benchmark, `npm run bench -- NAME [options]` one.
// A benchmark is a module here exporting { name, description, run(args) }; add it to BENCHMARKS.
// Benchmarks print figures; they are not tests and assert nothing.
const BENCHMARKS = [require('./activation'), require('./probeCost'), require('./burst')];

async function main() {
  const args = process.argv.slice(2);
  const names = args.filter((a) => !a.startsWith('-'));
  const options = args.filter((a) => a.startsWith('-'));
  if (options.includes('--help') || options.includes('-h')) {
    console.log('usage: npm run bench [-- [NAME...] [options]]\n');
    for (const b of BENCHMARKS) console.log(`  ${b.name.padEnd(12)} ${b.description}`);
    return;
  }
  const unknown = names.filter((n) => !BENCHMARKS.some((b) => b.name === n));
  if (unknown.length > 0) {
    console.error(`unknown benchmark ${unknown.join(', ')} (known: ${BENCHMARKS.map((b) => b.name).join(', ')})`);
    process.exit(2);
  }
  for (const b of BENCHMARKS.filter((b) => names.length === 0 || names.includes(b.name))) {
    console.log(`## ${b.name}: ${b.description}`);
    await b.run(options);
  }
}

main().catch((e) => {
  console.error(e.stack ?? String(e));
  process.exit(1);
});
