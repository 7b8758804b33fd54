import { runMain } from '../src/action-main.js';
import { UserError } from '../src/errors.js';
import { runnerCommands } from './support/workflow-commands.js';

async function stdoutOf(run: () => Promise<void>): Promise<string> {
  let out = '';
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string) => ((out += chunk), true)) as typeof process.stdout.write;
  try {
    await run();
  } finally {
    process.stdout.write = write;
    process.exitCode = 0;
  }
  return out;
}

test('the github-token input is masked before the action runs, and a failure is reported once', async () => {
  process.env['INPUT_GITHUB-TOKEN'] = 'ghs_main_test';
  try {
    const out = await stdoutOf(() =>
      runMain(async () => {
        throw new UserError('Input \'cluster\': "" is not valid');
      }),
    );
    expect(runnerCommands(out).map(({ name, data }) => ({ name, data }))).toEqual([
      { name: 'add-mask', data: 'ghs_main_test' },
      { name: 'error', data: 'Input \'cluster\': "" is not valid' },
    ]);
  } finally {
    delete process.env['INPUT_GITHUB-TOKEN'];
  }
});

test('an unexpected error puts its stack in the debug log only', async () => {
  const out = await stdoutOf(() =>
    runMain(async () => {
      throw new Error('boom');
    }),
  );
  const commands = runnerCommands(out);
  expect(commands.map((c) => c.name)).toEqual(['debug', 'error']);
  expect(commands[0]!.data).toMatch(/^Error: boom\n\s+at /);
  expect(commands[1]!.data).toBe('boom');
});
