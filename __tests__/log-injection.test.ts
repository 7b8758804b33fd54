import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliBin, runAction } from './support/run-action.js';
import { runnerCommands } from './support/workflow-commands.js';

// Hostile text in data (a pipeline file's stage names, an .ics event's summary) printed by the built bundles
// (the e2e project's fresh build of the current sources): the runner must read no command in it beyond the
// action's own.
const dir = mkdtempSync(join(tmpdir(), 'log-injection-'));
const HOSTILE_NAME = '::add-mask::ghs_from_data';

function write(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const pipeline = write(
  'pipeline.yml',
  [
    'defaults: { cluster: web, service: api }',
    'stages:',
    `  - name: "${HOSTILE_NAME}"`,
    "    targets: [{ region: us-west-2, role: 'arn:aws:iam::111111111111:role/deploy' }]",
    '  - name: "wave\\r::stop-commands::pwned"',
    "    targets: [{ region: us-east-1, role: 'arn:aws:iam::111111111111:role/deploy' }]",
    '',
  ].join('\n'),
);

/** The commands a runner would act on, without the stop and resume pairs the sink writes. */
function acted(stdout: string): string[] {
  return runnerCommands(stdout)
    .filter((c) => !(c.name === 'stop-commands' && c.data.startsWith('safe-deploy-')))
    .map((c) => c.name)
    .filter((name) => !name.startsWith('safe-deploy-'));
}

test('the plan action prints hostile stage names as text', async () => {
  const run = await runAction('plan', { inputs: { config: pipeline }, cwd: process.cwd() });
  expect(run.code).toBe(0);
  expect(run.stdout).toContain(HOSTILE_NAME);
  expect(acted(run.stdout)).toEqual([]);
});

test('the CLI prints plain text outside a runner and command-safe text inside one', () => {
  const plan = (env: Record<string, string>) =>
    spawnSync(process.execPath, [cliBin(), 'plan', pipeline], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH, ...env },
    });
  const outside = plan({});
  expect(outside.status).toBe(0);
  expect(outside.stdout).not.toContain('::stop-commands::safe-deploy-');
  // Printed as it is: the stage name after a CR would stop the runner's commands, were this a runner.
  expect(runnerCommands(outside.stdout)).toEqual([
    expect.objectContaining({ name: 'stop-commands', data: expect.stringMatching(/^pwned /) }),
  ]);
  const inside = plan({ GITHUB_ACTIONS: 'true' });
  expect(inside.stdout).toContain(HOSTILE_NAME);
  expect(acted(inside.stdout)).toEqual([]);
});

test("the gate prints a hostile .ics event's summary as text", async () => {
  const calendar = write(
    'freeze.ics',
    [
      'BEGIN:VCALENDAR',
      'VERSION:2.0',
      'PRODID:-//safe-deploy//log tests//EN',
      'BEGIN:VEVENT',
      'UID:hostile@safe-deploy',
      'DTSTAMP:20261001T000000Z',
      'DTSTART:20261005T000000Z',
      'DTEND:20261006T000000Z',
      'SUMMARY:Freeze\\n::add-mask::from-ics ##[set-output name=open]true',
      'END:VEVENT',
      'END:VCALENDAR',
      '',
    ].join('\r\n'),
  );
  const run = await runAction('gate', {
    inputs: { calendar, windows: 'Mon-Sun 00:00-24:00', at: '2026-10-05T12:00:00Z', 'on-closed': 'skip' },
  });
  expect(run.code).toBe(0);
  expect(run.stdout).toContain('::add-mask::from-ics');
  expect(acted(run.stdout).filter((name) => name !== 'notice')).toEqual([]);
  expect(run.outputs.open).toBe('false');
});
