import * as log from '../src/log.js';
import { commandSafe, couldBeCommand, plainOutput } from '../src/log.js';
import { runnerCommands, shownText } from './support/workflow-commands.js';

// Text from data, as an attacker would write it into an .ics summary, a stage name, a PR or an AWS error.
const HOSTILE = [
  '::add-mask::ghs_secret',
  '   ::warning::indented by spaces',
  '\t::error file=x::indented by a tab',
  '\u00a0\u2003::notice::Unicode spaces',
  '\u0085::warning::next-line character (white space to .NET, not to JavaScript)',
  'first line\n::set-output name=result::deployed',
  'carriage return\r::save-state name=deploy::{}',
  'CRLF\r\n::stop-commands::pwned',
  'text then ##[add-mask]anywhere in the line',
  '%0A::warning::percent-encoded newline',
  'summary: ::group::not at the start, harmless',
  '::STOP-COMMANDS::upper-case',
];

function captured(run: () => void): string {
  let out = '';
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string) => {
    out += chunk;
    return true;
  }) as typeof process.stdout.write;
  try {
    run();
  } finally {
    process.stdout.write = write;
  }
  return out;
}

test('no hostile text reaches the runner as a command, and the log shows it exactly', () => {
  for (const text of HOSTILE) {
    const out = captured(() => log.info(text));
    const commands = runnerCommands(out);
    // At most the stop-commands pair the sink wrote itself, with a fresh random token.
    expect(commands.map((c) => c.name.replace(/^safe-deploy-[0-9a-f]{32}$/, 'resume'))).toEqual(
      couldBeCommand(text) ? ['stop-commands', 'resume'] : [],
    );
    // The runner shows CR and CRLF as line breaks, as it splits lines there.
    expect(shownText(out)).toBe(`${text.replace(/\r\n?/g, '\n')}\n`);
  }
});

test('annotations, debug lines and group titles carry their text as one escaped command each', () => {
  for (const text of HOSTILE) {
    const out = captured(() => {
      log.warning(text);
      log.error(text);
      log.notice(text);
      log.debug(text);
      log.setFailed(text);
    });
    expect(runnerCommands(out).map(({ name, data }) => ({ name, data }))).toEqual([
      { name: 'warning', data: text },
      { name: 'error', data: text },
      { name: 'notice', data: text },
      { name: 'debug', data: text },
      { name: 'error', data: text },
    ]);
  }
  process.exitCode = 0; // setFailed above set it
});

test('a group title is one command, and the lines inside go through the sink', async () => {
  let out = '';
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string) => ((out += chunk), true)) as typeof process.stdout.write;
  try {
    await log.group('stage ::add-mask::x\nwave', async () => log.info('::endgroup::'));
  } finally {
    process.stdout.write = write;
  }
  expect(runnerCommands(out).map((c) => c.name)).toEqual([
    'group',
    'stop-commands',
    expect.stringMatching(/^safe-deploy-/),
    'endgroup',
  ]);
  expect(runnerCommands(out)[0]!.data).toBe('stage ::add-mask::x\nwave');
});

test('ordinary text (ARNs with ::, times) is printed as it is', () => {
  for (const text of ['arn:aws:iam::111111111111:role/deploy', 'at 09:00::', 'Blue: arn:aws:s3:::bucket']) {
    expect(commandSafe(text)).toBe(text);
  }
});

test('the CLI prints plain text outside a runner, and command-safe text inside one', () => {
  expect(plainOutput('::warning::x', {})).toBe('::warning::x');
  expect(runnerCommands(plainOutput('::warning::x', { GITHUB_ACTIONS: 'true' })).map((c) => c.name)).toEqual([
    'stop-commands',
    expect.stringMatching(/^safe-deploy-/),
  ]);
});
