// cli-entry.ts for runs on a broken machine: the CLI's modules are loaded first (tsx needs a
// writable temp folder for its compile cache), then TMPDIR becomes MMK_TEST_TMPDIR (unset when
// empty) for the command itself.
const { main } = await import('../../src/cli/main.js');
const wanted = process.env['MMK_TEST_TMPDIR'];
if (wanted === '') delete process.env['TMPDIR'];
else if (wanted !== undefined) process.env['TMPDIR'] = wanted;
process.exitCode = await main(process.argv.slice(2));
