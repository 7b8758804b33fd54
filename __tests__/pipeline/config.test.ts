import { readFileSync } from 'node:fs';
import { parseDuration } from '../../src/duration.js';
import { MAX_STAGES, parsePipeline, type PipelineConfig } from '../../src/pipeline/config.js';
import { pipelineJsonSchema } from '../../src/pipeline/schema.js';
import { DURATION_PATTERN, inheritSettings } from '../../src/pipeline/settings.js';

const ROLE = 'arn:aws:iam::222222222222:role/deploy';

/** The error message parsePipeline throws for this text. */
function errorOf(text: string): string {
  try {
    parsePipeline(text, 'pipeline.yml');
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected the pipeline file to be refused');
}

describe('inheritance', () => {
  const config: PipelineConfig = parsePipeline(
    `
defaults:
  cluster: web
  service: api
  alarms: [api-5xx, api-latency]
  bake-time: 30m
  one-box: true
  timeout: 3h
stages:
  - name: wave-1
    bake-time: 1h
    alarms: api-5xx
    targets:
      - { region: us-east-1, role: '${ROLE}' }
      - { region: eu-west-1, role: '${ROLE}', bake-time: 2h, one-box: false, service: api-eu }
`,
    'pipeline.yml',
  );
  const stage = config.stages[0]!;

  it('takes defaults, overridden by the stage, overridden by the target', () => {
    expect(inheritSettings(config.defaults, stage, stage.targets[0]!)).toEqual({
      cluster: 'web',
      service: 'api',
      alarms: 'api-5xx',
      'bake-time': '1h',
      'one-box': true,
      timeout: '3h',
    });
    expect(inheritSettings(config.defaults, stage, stage.targets[1]!)).toEqual({
      cluster: 'web',
      service: 'api-eu',
      alarms: 'api-5xx',
      'bake-time': '2h',
      'one-box': false,
      timeout: '3h',
    });
  });

  it('replaces a list instead of merging it', () => {
    const other = parsePipeline(
      `
defaults: { cluster: web, service: api, alarms: [a, b] }
stages:
  - name: s
    targets: [{ region: us-east-1, role: '${ROLE}', alarms: [c] }]
`,
      'p.yml',
    );
    const s = other.stages[0]!;
    expect(inheritSettings(other.defaults, s, s.targets[0]!).alarms).toEqual(['c']);
  });

  it('does not pass stage-only keys (name, environment, targets) to targets', () => {
    const settings = inheritSettings(config.defaults, stage, stage.targets[0]!) as Record<string, unknown>;
    expect(settings.name).toBeUndefined();
    expect(settings.targets).toBeUndefined();
  });
});

describe('validation errors name the path and line', () => {
  it('reports every bad field with its path', () => {
    const message = errorOf(`defaults:
  cluster: web
  service: api
  bake-time: 5 minutes
  steps: 10%:5m, 5%
stages:
  - name: gamma
    targets: [{ region: us-west-2, role: '${ROLE}' }]
  - name: prod
    servce: api
    targets:
      - { region: us-east-1, role: '${ROLE}' }
      - { region: Mars, role: deploy }
      - { region: eu-west-1, role: '${ROLE}', min-requests: -1, alarms: 3 }
`);
    expect(message).toContain('pipeline.yml is not a valid pipeline file');
    expect(message).toContain('defaults.bake-time (line 4): expected a duration such as 90s, 5m or 1h30m');
    expect(message).toMatch(/defaults\.steps \(line 5\): "10%:5m, 5%" is not valid/);
    expect(message).toContain("stages[1].servce (line 10): unknown setting 'servce'");
    expect(message).toContain(
      'stages[1].targets[1].region (line 13): expected an AWS region such as us-east-1',
    );
    expect(message).toContain('stages[1].targets[1].role (line 13): expected an IAM role ARN');
    expect(message).toContain(
      'stages[1].targets[2].min-requests (line 14): expected a whole number of 0 or more',
    );
    expect(message).toContain('stages[1].targets[2].alarms (line 14): expected a name or a list of names');
  });

  it('reports settings that only the inherited view can check', () => {
    const message = errorOf(`defaults: { cluster: web }
stages:
  - name: a
    targets: [{ region: us-east-1, role: '${ROLE}' }]
  - name: a
    service: api
    targets:
      - { region: us-east-1, role: '${ROLE}' }
      - { region: us-east-1, role: '${ROLE}' }
gate: { blocker-alarms: [sev1] }
`);
    expect(message).toContain(
      'stages[0].targets[0] (line 4): service is not set (set it in defaults, the stage or the target)',
    );
    expect(message).toContain('stages[1].name (line 5): stage "a" is already stages[0]');
    expect(message).toContain(
      'stages[1].targets[1] (line 9): deploys the same service, region and account as targets[0]',
    );
    expect(message).toContain('gate (line 10): role is required when the gate reads alarms');
    expect(message).toContain('gate (line 10): region is required when the gate reads alarms');
  });

  it('refuses at the target what the deploy action would refuse, before any stage deploys', () => {
    const message = errorOf(`defaults: { cluster: web, service: api, routing: listener }
stages:
  - name: gamma
    listener-arn: arn:aws:elasticloadbalancing:us-west-2:222222222222:listener/app/web/0123456789abcdef/0123456789abcdef
    targets: [{ region: us-west-2, role: '${ROLE}' }]
  - name: prod
    targets:
      - { region: us-east-1, role: '${ROLE}' }
      - { region: eu-west-1, role: '${ROLE}', cluster: web cluster, routing: task-sets, min-requests: 100 }
`);
    expect(message).not.toContain('stages[0]');
    expect(message).toContain(
      `stages[1].targets[0] (line 8): deploy input 'routing': "listener" is not valid: listener routing needs 'listener-arn' or 'listener-rule-arn'`,
    );
    expect(message).toContain(
      `stages[1].targets[1] (line 9): deploy input 'cluster': "web cluster" is not valid: expected a name or an ECS ARN`,
    );
  });

  it('names both deploy inputs of a pair that do not go together, and a bad setting by its reason alone', () => {
    const listener = `arn:aws:elasticloadbalancing:us-east-1:222222222222:listener/app/web/0123456789abcdef/0123456789abcdef`;
    const rule = `${listener.replace(':listener/', ':listener-rule/')}/fedcba9876543210`;
    const pair = errorOf(`defaults: { cluster: web, service: api, listener-arn: '${listener}' }
stages:
  - name: prod
    targets: [{ region: us-east-1, role: '${ROLE}', listener-rule-arn: '${rule}' }]
`);
    expect(pair).toContain(
      "stages[0].targets[0] (line 4): deploy inputs 'listener-arn' and 'listener-rule-arn' name two production routes: give one",
    );
    const steps = errorOf(`defaults: { cluster: web, service: api, steps: '10%:5m, 40%' }
stages: [{ name: prod, targets: [{ region: us-east-1, role: '${ROLE}' }] }]
`);
    // The path says where; the steps parser's reason follows without its own "Input 'steps'".
    expect(steps).toContain(
      'defaults.steps (line 1): "10%:5m, 40%" is not valid: the last step must be 100%',
    );
    expect(`${pair}\n${steps}`).not.toContain("Input '");
  });

  it('reports a bad setting once, where it is written, not again at each target inheriting it', () => {
    const message = errorOf(`defaults: { cluster: web, service: api, poll-interval: soon }
stages:
  - name: a
    targets: [{ region: us-east-1, role: '${ROLE}' }, { region: us-east-2, role: '${ROLE}' }]
`);
    expect(message.split('\n').filter((line) => line.includes('poll-interval'))).toEqual([
      '  defaults.poll-interval (line 1): expected a duration such as 90s, 5m or 1h30m',
    ]);
    expect(message).not.toContain('targets');
  });

  it('refuses task-definition and container-name: every target deploys the manifest artifact', () => {
    const message = errorOf(`defaults: { cluster: web, service: api, task-definition: td.json }
stages:
  - name: a
    targets: [{ region: us-east-1, role: '${ROLE}', container-name: api }]
`);
    expect(message).toContain("defaults.task-definition (line 1): unknown setting 'task-definition'");
    expect(message).toContain(
      "stages[0].targets[0].container-name (line 4): unknown setting 'container-name'",
    );
  });

  it('needs the region of a gate role', () => {
    const stages = `stages: [{ name: a, cluster: c, service: s, targets: [{ region: us-east-1, role: '${ROLE}' }] }]`;
    expect(errorOf(`gate: { role: '${ROLE}' }\n${stages}\n`)).toContain(
      'gate (line 1): region is required with role',
    );
    expect(() =>
      parsePipeline(`gate: { role: '${ROLE}', region: us-east-1 }\n${stages}\n`, 'p.yml'),
    ).not.toThrow();
  });

  it('refuses more stages than the workflow has jobs, and an empty stage', () => {
    const stages = Array.from(
      { length: MAX_STAGES + 1 },
      (_, i) => `  - { name: s${i}, targets: [{ region: us-east-1, role: '${ROLE}' }] }`,
    );
    expect(errorOf(`defaults: { cluster: c, service: s }\nstages:\n${stages.join('\n')}\n`)).toContain(
      'stages (line 3): the pipeline workflow runs at most 8 stages',
    );
    expect(errorOf('stages:\n  - { name: s, cluster: c, service: s, targets: [] }\n')).toContain(
      'stages[0].targets (line 2): a stage needs at least one target',
    );
    expect(errorOf('defaults: { cluster: c }\n')).toContain('stages: expected a list of stages');
  });

  it('gives the line and column of YAML syntax errors', () => {
    expect(errorOf('stages:\n  - name: a\n    targets: [\n')).toMatch(
      /^The pipeline file is not valid YAML:\npipeline\.yml:\d+:\d+: /,
    );
    expect(errorOf('defaults: {}\ndefaults: {}\nstages: []\n')).toContain(
      'pipeline.yml:2:1: Map keys must be unique',
    );
    // One line per problem: the reason alone, no source excerpt after it.
    expect(errorOf('defaults:\n  cluster: "web\n')).toBe(
      'The pipeline file is not valid YAML:\npipeline.yml:3:1: Missing closing "quote',
    );
  });
});

describe('plan checks what the jobs will check', () => {
  const stages = `stages: [{ name: a, cluster: c, service: s, targets: [{ region: us-east-1, role: '${ROLE}' }] }]`;

  it("checks the gate: block with the gate's own parser, every bad setting at its path, in one run", () => {
    const message = errorOf(`gate:
  windows: Mon-Thu 09:00-25:00
  timezone: Mars/Olympus
  blackout: 2026-13-01
  holidays: [US, XX]
  holiday-types: [public, fun]
  calendar: no/such.ics
  max-wait: soon
${stages}
`);
    expect(message).toContain(
      'gate.windows (line 2): "25:00" is not valid: expected a time from 00:00 to 24:00',
    );
    expect(message).toContain(
      'gate.timezone (line 3): "Mars/Olympus" is not valid: expected an IANA time zone',
    );
    expect(message).toContain('gate.blackout (line 4): "2026-13-01" is not valid: expected a date');
    expect(message).toContain('gate.holidays (line 5): "XX" is not valid');
    expect(message).toContain('gate.holiday-types (line 6): "fun" is not valid');
    expect(message).toContain('gate.calendar (line 7): "no/such.ics" is not valid: no such file');
    expect(message).toContain('gate.max-wait (line 8): expected a duration such as 90s, 5m or 1h30m');
  });

  it('reads the gate calendar as the gate job does, and refuses one it could not read', () => {
    expect(() =>
      parsePipeline(`gate: { calendar: __tests__/gate/fixtures/weekly-freeze.ics }\n${stages}\n`, 'p.yml'),
    ).not.toThrow();
    expect(errorOf(`gate: { calendar: __tests__/gate/fixtures/broken.ics }\n${stages}\n`)).toContain(
      'gate.calendar (line 1): "__tests__/gate/fixtures/broken.ics" is not a valid iCalendar (.ics) file',
    );
    expect(errorOf(`gate: { calendar: __tests__/gate/fixtures }\n${stages}\n`)).toContain(
      'gate.calendar (line 1): "__tests__/gate/fixtures" is not valid: a directory, not a regular file',
    );
  });

  it('refuses blank names and lists of only commas, at their path', () => {
    const message = errorOf(`defaults:
  cluster: web
  service: api
  alarms: ['api-5xx', ' ']
  blocker-alarms: 'sev1,,sev2'
  alarm-prefixes: ' , '
stages:
  - name: a
    one-box-alarms: '   '
    targets: [{ region: us-east-1, role: '${ROLE}' }]
gate: { blocker-alarms: [''], role: '${ROLE}', region: us-east-1 }
`);
    expect(message).toContain('defaults.alarms (line 4): a blank name in the list');
    expect(message).toContain(
      'defaults.blocker-alarms (line 5): "sev1,,sev2" is not valid: an empty item between two commas after "sev1"',
    );
    expect(message).toContain('defaults.alarm-prefixes (line 6): "," is not valid: only commas');
    expect(message).toContain('stages[0].one-box-alarms (line 9): only spaces');
    expect(message).toContain('gate.blocker-alarms (line 11): a blank name in the list');
  });

  it("refuses an ARN of another region than the target's", () => {
    const listener = (region: string) =>
      `arn:aws:elasticloadbalancing:${region}:222222222222:listener/app/web/0123456789abcdef/0123456789abcdef`;
    const message =
      errorOf(`defaults: { cluster: web, service: api, listener-arn: '${listener('us-east-1')}' }
stages:
  - name: a
    targets:
      - { region: us-east-1, role: '${ROLE}' }
      - { region: eu-west-1, role: '${ROLE}' }
      - { region: eu-west-1, role: '${ROLE}', cluster: 'arn:aws:ecs:us-east-1:222222222222:cluster/web' }
`);
    expect(message).not.toContain('targets[0]');
    expect(message).toContain(
      `stages[0].targets[1] (line 6): deploy input 'listener-arn': "${listener('us-east-1')}" is not valid: ` +
        "this ARN is in region us-east-1, but the deploy works in eu-west-1 (the target's region)",
    );
    expect(message).toContain(
      `stages[0].targets[2] (line 7): deploy input 'cluster': "arn:aws:ecs:us-east-1:222222222222:cluster/web" is not valid: this ARN is in region us-east-1`,
    );
  });

  it("refuses an ARN of another account than the target's role", () => {
    const message =
      errorOf(`defaults: { cluster: web, service: 'arn:aws:ecs:us-east-1:333333333333:service/web/api' }
stages:
  - name: a
    targets: [{ region: us-east-1, role: '${ROLE}' }]
`);
    expect(message).toContain(
      "stages[0].targets[0] (line 4): deploy input 'service' is in account 333333333333, but the target's role is in account 222222222222",
    );
  });

  it('names every ARN of another account in one line, beside a bad first task set', () => {
    const listener =
      'arn:aws:elasticloadbalancing:us-east-1:333333333333:listener/app/web/0123456789abcdef/0123456789abcdef';
    const message = errorOf(`defaults:
  cluster: 'arn:aws:ecs:us-east-1:333333333333:cluster/web'
  service: api
  listener-arn: '${listener}'
  first-task-set: { launchType: FARGATE, scale: 50 }
stages: [{ name: a, targets: [{ region: us-east-1, role: '${ROLE}' }] }]
`);
    expect(message).toContain(
      `stages[0].targets[0] (line 6): deploy input 'first-task-set': "{\\"launchType\\":\\"FARGATE\\",\\"scale\\":50}" is not valid: unknown field "scale"`,
    );
    expect(message).toContain(
      "stages[0].targets[0] (line 6): deploy input 'cluster' is in account 333333333333, 'listener-arn' is in account 333333333333, but the target's role is in account 222222222222",
    );
  });

  it('refuses a YAML alias bomb without expanding it', () => {
    const bomb = [
      'a: &a [x, x, x, x, x, x, x, x, x, x]',
      ...Array.from({ length: 8 }, (_, i) => {
        const name = String.fromCharCode(98 + i);
        const prev = String.fromCharCode(97 + i);
        return `${name}: &${name} [*${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}]`;
      }),
      'stages: *i',
    ].join('\n');
    const started = Date.now();
    expect(errorOf(bomb)).toBe(
      'pipeline.yml is not a valid pipeline file: Excessive alias count indicates a resource exhaustion attack',
    );
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('refuses a custom tag such as !!js/function rather than read it as text', () => {
    const message = errorOf(`defaults:
  cluster: !!js/function 'function () { return "web" }'
  service: !Ref Service
${stages}
`);
    expect(message).toMatch(
      /^The pipeline file is not valid YAML:\npipeline\.yml:2:\d+: Unresolved tag: tag:yaml\.org,2002:js\/function/,
    );
    expect(message).toMatch(/pipeline\.yml:3:\d+: Unresolved tag: !Ref/);
  });
});

describe('schema', () => {
  it('accepts the same durations as the deploy action', () => {
    for (const text of ['90s', '5m', '1h30m', '0s', '2h', '1h0m5s']) {
      expect(DURATION_PATTERN.test(text)).toBe(true);
      expect(() => parseDuration(text, 'x')).not.toThrow();
    }
    for (const text of ['', '5', '1.5m', '5 m', 'm', '1m1h', '-5s']) {
      expect(DURATION_PATTERN.test(text)).toBe(false);
      expect(() => parseDuration(text, 'x')).toThrow();
    }
  });

  it('is committed as schema/pipeline.schema.json exactly as generated (node bin/safe-deploy.js schema)', () => {
    const committed = JSON.parse(readFileSync('schema/pipeline.schema.json', 'utf8'));
    expect(committed).toEqual(pipelineJsonSchema());
  });

  it('refuses unknown keys at every level, so editors flag typos', () => {
    const schema = pipelineJsonSchema() as {
      additionalProperties: boolean;
      $defs: Record<string, { additionalProperties: boolean }>;
    };
    expect(schema.additionalProperties).toBe(false);
    for (const name of ['DeploySettings', 'Gate', 'Stage', 'Target']) {
      expect(schema.$defs[name]?.additionalProperties).toBe(false);
    }
  });
});
