import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { parseDeploySettings } from '../../src/deploy/settings.js';
import { parseGateSettings } from '../../src/gate/settings.js';
import { recordInputs } from '../../src/inputs.js';
import { MAX_STAGES, parsePipeline } from '../../src/pipeline/config.js';
import { DEPLOY_SETTINGS } from '../../src/pipeline/settings.js';
import { pipelineJsonSchema } from '../../src/pipeline/schema.js';
import { GATE_INPUTS, planPipeline, workflowOutputs, type Plan } from '../../src/pipeline/plan.js';
import { renderPlanMarkdown, renderPlanTable } from '../../src/pipeline/render.js';

const ROLE = (account: string) => `arn:aws:iam::${account}:role/deploy`;
const plan = (text: string): Plan => planPipeline(parsePipeline(text, 'pipeline.yml'));

const example = plan(readFileSync('examples/safe-deploy.yml', 'utf8'));

describe('plan', () => {
  it('gives each target its inherited settings as the deploy action input text', () => {
    const wave2 = example.stages[2]!;
    expect(wave2.name).toBe('wave-2');
    expect(wave2.matrix.include).toEqual([
      {
        stage: 'wave-2',
        environment: 'production',
        region: 'us-east-1',
        role: ROLE('222222222222'),
        account: '222222222222',
        concurrency: 'safe-deploy-api-us-east-1-web-222222222222',
        deployment: 'web/api@us-east-1',
        cluster: 'web',
        service: 'api',
        steps: 'Canary10Percent5Minutes',
        alarms: 'api-high-severity',
        'one-box': 'true',
        'bake-time': '30m',
        timeout: '2h',
      },
      expect.objectContaining({ region: 'eu-west-1', alarms: 'api-high-severity\napi-eu-latency' }),
    ]);
    expect(example.stages[1]!.matrix.include[0]).toMatchObject({ stage: 'wave-1', 'bake-time': '1h' });
    expect(example.stages[0]!.matrix.include[0]).not.toHaveProperty('environment');
  });

  it('passes first-task-set as inline JSON from a mapping, and checks it with the deploy parser', () => {
    const { matrix } = plan(`
defaults: { cluster: web, service: api }
stages:
  - name: new-region
    targets:
      - region: ap-northeast-2
        role: '${ROLE('111111111111')}'
        first-task-set:
          launchType: FARGATE
          networkConfiguration: { awsvpcConfiguration: { subnets: [subnet-1, subnet-2] } }
      - { region: us-east-1, role: '${ROLE('111111111111')}', first-task-set: '{"launchType": "EC2"}' }
`).stages[0]!;
    expect(matrix.include.map((entry) => entry['first-task-set'])).toEqual([
      '{"launchType":"FARGATE","networkConfiguration":{"awsvpcConfiguration":{"subnets":["subnet-1","subnet-2"]}}}',
      '{"launchType": "EC2"}',
    ]);
    expect(() =>
      plan(`
defaults: { cluster: web, service: api }
stages:
  - name: s
    targets:
      - { region: us-east-1, role: '${ROLE('111111111111')}', first-task-set: { launchType: FARGATE, scale: 50 } }
`),
    ).toThrow(
      `stages[0].targets[0] (line 6): deploy input 'first-task-set': "{\\"launchType\\":\\"FARGATE\\",\\"scale\\":50}" is not valid: unknown field "scale"`,
    );
  });

  it('writes numbers, booleans and step lists the way the deploy inputs read them', () => {
    const { matrix } = plan(`
defaults: { cluster: 'arn:aws:ecs:us-east-1:111111111111:cluster/web', service: api, min-requests: 500, require-review: false }
stages:
  - name: s
    listener-arn: arn:aws:elasticloadbalancing:us-east-1:111111111111:listener/app/web/0123456789abcdef/0123456789abcdef
    steps: ['10%:5m', '50%:10m', '100%']
    blocker-alarms: [a, b]
    targets: [{ region: us-east-1, role: '${ROLE('111111111111')}' }]
`).stages[0]!;
    expect(matrix.include[0]).toMatchObject({
      cluster: 'arn:aws:ecs:us-east-1:111111111111:cluster/web',
      'min-requests': '500',
      'require-review': 'false',
      steps: '10%:5m, 50%:10m, 100%',
      'blocker-alarms': 'a\nb',
      deployment: 'web/api@us-east-1',
    });
  });

  it('runs a 40-target stage as one matrix, 10 at a time unless max-parallel says otherwise', () => {
    const regions = Array.from(
      { length: 40 },
      (_, i) => `  - { region: us-east-1, role: '${ROLE(String(100000000000 + i))}' }`,
    );
    const text = (extra: string) =>
      `defaults: { cluster: web, service: api }\nstages:\n  - name: fleet\n${extra}    targets:\n${regions.map((r) => `  ${r}`).join('\n')}\n`;
    const stage = plan(text('')).stages[0]!;
    expect(stage.matrix.include).toHaveLength(40);
    expect(stage.maxParallel).toBe(10);
    expect(new Set(stage.matrix.include.map((entry) => entry.concurrency)).size).toBe(40);
    expect(plan(text('    max-parallel: 25\n')).stages[0]!.maxParallel).toBe(25);
    const outputs = workflowOutputs(plan(text('')));
    expect(JSON.parse(outputs['matrix-1']!).include).toHaveLength(40);
    // GitHub keeps at most 1 MB of outputs per job: a 40-target stage is far below.
    expect(outputs['matrix-1']!.length).toBeLessThan(20_000);
  });

  it('never runs more at once than the stage has targets', () => {
    expect(example.stages.map((stage) => stage.maxParallel)).toEqual([1, 1, 2, 4]);
  });
});

describe('workflow outputs', () => {
  const outputs = workflowOutputs(example);

  it('flags, matrices and max-parallel for every stage job, empty ones for unused stages', () => {
    expect(outputs['stage-count']).toBe('4');
    for (let n = 1; n <= MAX_STAGES; n++) {
      const used = n <= 4;
      expect(outputs[`has-stage-${n}`]).toBe(used ? 'true' : 'false');
      const matrix = JSON.parse(outputs[`matrix-${n}`]!);
      expect(matrix.include).toHaveLength(used ? example.stages[n - 1]!.targets.length : 0);
      expect(Number(outputs[`max-parallel-${n}`])).toBeGreaterThanOrEqual(1);
    }
    expect(outputs['has-stage-9']).toBeUndefined();
  });

  it('passes every gate input, empty when the file leaves it unset', () => {
    const gate = JSON.parse(outputs['gate']!);
    expect(Object.keys(gate).sort()).toEqual([...GATE_INPUTS].sort());
    expect(gate).toMatchObject({
      windows: 'Mon-Thu 09:00-16:00',
      timezone: 'Asia/Seoul',
      holidays: 'KR',
      role: '',
    });
  });
});

describe('plan table', () => {
  it('shows stage, targets, steps, bake, one-box, alarms and environment', () => {
    const lines = renderPlanTable(example).split('\n');
    expect(lines[0]).toBe('4 stages, 8 targets, in order; a failed target stops the later stages.');
    expect(lines[1]).toBe(
      'Gate: Mon-Thu 09:00-16:00, Asia/Seoul; closed on public holidays of KR; when closed: fail',
    );
    expect(lines[3]).toMatch(/^stage\s+target\s+steps\s+bake\s+one-box\s+alarms\s+environment$/);
    expect(lines.find((line) => line.startsWith('2. wave-1'))).toMatch(
      /ap-northeast-2 web\/api @222222222222\s+Canary10Percent5Minutes\s+1h\s+yes, 10m\s+api-high-severity\s+production$/,
    );
    expect(lines.find((line) => line.includes('eu-west-1'))).toContain('api-high-severity, api-eu-latency');
    // A stage's second target deploys under the same environment: its row says so too.
    expect(lines.find((line) => line.includes('eu-west-1'))).toMatch(/\sproduction$/);
  });

  it('shows every gate closure and blocker of the file', () => {
    const gated = plan(`gate:
  holidays: [US, DE-BY]
  holiday-types: [public, bank]
  blackout: 2026-12-20..2027-01-04
  calendar: __tests__/gate/fixtures/weekly-freeze.ics
  blocker-alarms: sev1
  alarm-prefixes: [api-]
  on-closed: skip
  role: '${ROLE('111111111111')}'
  region: us-east-1
stages: [{ name: s, cluster: c, service: s, targets: [{ region: us-east-1, role: '${ROLE('111111111111')}' }] }]`);
    expect(renderPlanTable(gated).split('\n')[1]).toBe(
      'Gate: Mon-Thu 09:00-16:00 (default), UTC; closed on public, bank holidays of US, DE-BY; ' +
        'blackout 2026-12-20..2027-01-04; blackout events of __tests__/gate/fixtures/weekly-freeze.ics; blocked by sev1, api-*; ' +
        'when closed: skip',
    );
  });

  it('says which values are the deploy defaults', () => {
    const table = renderPlanTable(
      plan(
        `stages: [{ name: s, cluster: c, service: s, targets: [{ region: us-east-1, role: '${ROLE('111111111111')}' }] }]`,
      ),
    );
    expect(table).toContain('Canary10Percent5Minutes (default)');
    expect(table).toContain('5m (default)');
    expect(table).toMatch(/\bno\s+none\s+-$/m);
  });

  it('renders the same rows as Markdown for the job summary', () => {
    const markdown = renderPlanMarkdown(example);
    expect(markdown).toContain('| stage | target | steps | bake | one-box | alarms | environment |');
    expect(markdown).toContain(
      '| 4. wave-3 (4 at once) | us-east-2 web/api @222222222222 | Linear10PercentEvery1Minutes | 15m |',
    );
  });
});

// The workflow is hand-written YAML; these checks keep it in step with the plan it consumes.
const RELEASE_COMMIT = 'needs.gate.outputs.release-commit || needs.gate-alarms.outputs.release-commit';

describe('.github/workflows/pipeline.yml', () => {
  type Step = { id?: string; uses?: string; with?: Record<string, string>; if?: string };
  type Job = {
    needs?: string | string[];
    if?: string;
    outputs?: Record<string, string>;
    steps: Step[];
    [key: string]: unknown;
  };
  const workflow = parse(readFileSync('.github/workflows/pipeline.yml', 'utf8')) as {
    on: { workflow_call: { inputs: Record<string, { default?: string }> } };
    jobs: Record<string, Job>;
  };
  const jobs = workflow.jobs;

  it('takes config, manifest-artifact and ref', () => {
    const inputs = workflow.on.workflow_call.inputs;
    expect(inputs.config?.default).toBe('.github/safe-deploy.yml');
    expect(inputs['manifest-artifact']?.default).toBe('safe-deploy-manifest');
    expect(inputs.ref).toBeDefined();
  });

  it('exports every plan output from the plan job', () => {
    const exported = jobs.plan!.outputs!;
    expect(Object.keys(exported).sort()).toEqual(Object.keys(workflowOutputs(example)).sort());
    for (const [name, value] of Object.entries(exported))
      expect(value).toBe(`\${{ steps.plan.outputs.${name} }}`);
    expect(jobs.plan!.steps.find((step) => step.id === 'plan')?.uses).toBe('org/safe-deploy/plan@v1');
  });

  it.each(['gate', 'gate-alarms'])('passes every gate input of the file to the gate action (%s)', (name) => {
    const gate = jobs[name]!.steps.find((step) => step.id === 'gate')!;
    expect(gate.uses).toBe('org/safe-deploy/gate@v1');
    for (const input of GATE_INPUTS.filter((n) => n !== 'role' && n !== 'region')) {
      expect(gate.with?.[input]).toBe(`\${{ fromJSON(needs.plan.outputs.gate).${input} }}`);
    }
  });

  it(`has stage-1..stage-${MAX_STAGES}, each after the previous, guarded, and otherwise identical`, () => {
    const stageJobs = Object.keys(jobs).filter((name) => name.startsWith('stage-'));
    expect(stageJobs).toEqual(Array.from({ length: MAX_STAGES }, (_, i) => `stage-${i + 1}`));
    const normalised = (n: number) =>
      JSON.stringify({ ...jobs[`stage-${n}`], needs: undefined, if: undefined }).replaceAll(`-${n}`, '-N');
    for (let n = 1; n <= MAX_STAGES; n++) {
      const job = jobs[`stage-${n}`]!;
      // After the plan, whichever gate job ran (scripts/pipeline-workflow.mjs), and a successful stage n-1.
      expect(job.needs).toEqual(['plan', 'gate', 'gate-alarms', ...(n === 1 ? [] : [`stage-${n - 1}`])]);
      expect(job.if).toBe(
        `!cancelled() && needs.plan.outputs.has-stage-${n} == 'true' && ` +
          "(needs.gate.outputs.open == 'true' || needs.gate-alarms.outputs.open == 'true')" +
          (n === 1 ? '' : ` && needs.stage-${n - 1}.result == 'success'`),
      );
      expect(job.strategy).toEqual({
        'fail-fast': true,
        'max-parallel': `\${{ fromJSON(needs.plan.outputs.max-parallel-${n}) }}`,
        matrix: `\${{ fromJSON(needs.plan.outputs.matrix-${n}) }}`,
      });
      expect(normalised(n)).toBe(normalised(1));
    }
  });

  it('runs each target with its role, region, concurrency group and every inherited deploy input', () => {
    const job = jobs['stage-1']!;
    expect(job.concurrency).toEqual({ group: '${{ matrix.concurrency }}', 'cancel-in-progress': false });
    expect(job.environment).toBe('${{ matrix.environment }}');
    expect(job.permissions).toMatchObject({ 'id-token': 'write', contents: 'read' });
    const credentials = job.steps.find((step) =>
      step.uses?.startsWith('aws-actions/configure-aws-credentials@'),
    )!;
    expect(credentials.with).toMatchObject({
      'role-to-assume': '${{ matrix.role }}',
      'aws-region': '${{ matrix.region }}',
    });
    // The build's artifact, or the queued release's manifest the gate verified and handed on.
    expect(job.steps.find((step) => step.uses?.startsWith('actions/download-artifact@'))?.with?.name).toBe(
      '${{ needs.gate.outputs.manifest-artifact || needs.gate-alarms.outputs.manifest-artifact || inputs.manifest-artifact }}',
    );
    const deploy = job.steps.find((step) => step.uses === 'org/safe-deploy@v1')!;
    const fromMatrix = Object.entries(deploy.with!).filter(([, value]) => value.startsWith('${{ matrix.'));
    expect(fromMatrix.map(([name]) => name).sort()).toEqual([...DEPLOY_SETTINGS, 'environment'].sort());
    expect(deploy.with!['manifest-commit']).toBe(`\${{ ${RELEASE_COMMIT} }}`);
    for (const name of DEPLOY_SETTINGS) expect(deploy.with![name]).toBe(`\${{ matrix.${name} }}`);
    expect(deploy.with!.environment).toBe('${{ matrix.deployment }}');
  });

  /**
   * A step's `with:` as the runner hands it to the action: each `${{ ... }}` replaced by its value, a
   * missing matrix key by the empty string (as GitHub does). Throws on any other expression.
   */
  function evaluateWith(step: Step, context: Record<string, string>): Record<string, string> {
    return Object.fromEntries(
      Object.entries(step.with ?? {}).map(([name, template]) => [
        name,
        String(template).replace(/\$\{\{\s*(.+?)\s*\}\}/g, (_, expression: string) => {
          const matrix = /^matrix\.([\w-]+)$/.exec(expression);
          if (matrix) return context[`matrix.${matrix[1]}`] ?? '';
          if (expression in context) return context[expression]!;
          throw new Error(`the test does not evaluate ${expression}`);
        }),
      ]),
    );
  }

  /**
   * The deploy step's inputs as GitHub evaluates them for one matrix entry, parsed by the deploy action,
   * with the manifest file the step hands it.
   */
  function deployStepSettings(
    entry: Record<string, unknown>,
    releaseCommit = '',
  ): {
    settings: ReturnType<typeof parseDeploySettings>;
    manifest: string;
  } {
    const deploy = jobs['stage-1']!.steps.find((step) => step.uses === 'org/safe-deploy@v1')!;
    const manifest = join(mkdtempSync(join(tmpdir(), 'safe-deploy-manifest-')), 'manifest.json');
    writeFileSync(manifest, '{}');
    const settings = parseDeploySettings(
      recordInputs(
        evaluateWith(deploy, {
          ...Object.fromEntries(
            Object.entries(entry).map(([key, value]) => [`matrix.${key}`, String(value)]),
          ),
          'steps.manifest.outputs.path': manifest,
          [RELEASE_COMMIT]: releaseCommit,
        }),
      ),
    );
    return { settings, manifest };
  }

  it('gives the deploy action every inherited setting in a form it accepts beside the manifest', () => {
    const listener = (kind: string, suffix: string, region = 'us-east-1') =>
      `arn:aws:elasticloadbalancing:${region}:111111111111:${kind}/app/web/0123456789abcdef/0123456789abcdef${suffix}`;
    // Between them the two targets set every deploy setting (a target may not name a listener and a rule).
    const { matrix } = plan(`defaults:
  cluster: web
  service: api
  steps: ['10%:5m', '50%:pause', '100%']
  routing: listener
  alarms: [api-5xx, api-latency]
  alarm-prefixes: api-sev
  blocker-alarms: [sev1]
  one-box: true
  one-box-alarms: [api-one-box]
  one-box-bake: 20m
  bake-time: 1h
  min-requests: 500
  poll-interval: 30s
  insufficient-data: rollback
  before-traffic: ./smoke-test.sh
  after-traffic: ./load-test.sh
  release-task: bin/migrate --yes
  release-task-container: app
  release-task-timeout: 15m
  compare: ['error-rate <= 2x blue', p99-latency]
  first-task-set: { launchType: FARGATE, networkConfiguration: { awsvpcConfiguration: { subnets: [subnet-1] } } }
  stabilize-timeout: 15m
  timeout: 2h
  require-review: true
  verify: false
  pause-timeout: 2h
  on-pause-timeout: promote
  on-inconclusive: pause
  keep-previous: true
stages:
  - name: wave
    targets:
      - region: us-east-1
        role: '${ROLE('111111111111')}'
        listener-arn: ${listener('listener', '')}
        test-listener-arn: ${listener('listener', '1')}
      - { region: us-east-2, role: '${ROLE('111111111111')}', listener-rule-arn: ${listener('listener-rule', '/0123456789abcdef', 'us-east-2')} }
`).stages[0]!;
    const setKeys = new Set(matrix.include.flatMap((entry) => Object.keys(entry)));
    expect(DEPLOY_SETTINGS.filter((name) => !setKeys.has(name))).toEqual([]);

    const [one, two] = matrix.include.map((entry) => deployStepSettings(entry));
    const [first, second, manifest] = [one!.settings, two!.settings, one!.manifest];
    expect(first).toMatchObject({
      cluster: 'web',
      service: 'api',
      taskDefinition: { kind: 'manifest', path: manifest },
      stepsText: '10%:5m, 50%:pause, 100%',
      route: {
        kind: 'listener',
        production: { kind: 'listener', arn: listener('listener', '') },
        testListenerArn: listener('listener', '1'),
      },
      minRequests: 500,
      alarms: ['api-5xx', 'api-latency'],
      alarmPrefixes: ['api-sev'],
      blockerAlarms: ['sev1'],
      oneBox: true,
      oneBoxAlarms: ['api-one-box'],
      oneBoxBakeMs: 20 * 60_000,
      bakeMs: 60 * 60_000,
      pollIntervalMs: 30_000,
      insufficientData: 'rollback',
      beforeTraffic: './smoke-test.sh',
      afterTraffic: './load-test.sh',
      comparisons: [
        expect.objectContaining({ text: 'error-rate <= 2x blue' }),
        expect.objectContaining({ text: 'p99-latency' }),
      ],
      firstTaskSet: {
        json: '{"launchType":"FARGATE","networkConfiguration":{"awsvpcConfiguration":{"subnets":["subnet-1"]}}}',
      },
      stabilizeTimeoutMs: 15 * 60_000,
      timeoutMs: 2 * 60 * 60_000,
      requireReview: true,
      verify: false,
      releaseTask: {
        text: 'bin/migrate --yes',
        command: ['bin/migrate', '--yes'],
        container: 'app',
        timeoutMs: 15 * 60_000,
      },
      pauseTimeoutMs: 2 * 60 * 60_000,
      onPauseTimeout: 'promote',
      keepPrevious: true,
      dryRun: false,
      environment: 'web/api@us-east-1',
    });
    expect(second!.route).toMatchObject({
      production: { kind: 'rule', arn: listener('listener-rule', '/0123456789abcdef', 'us-east-2') },
    });
  });

  it('deploys the queued commit when the gate took a queued release', () => {
    const entry = plan(
      `stages: [{ name: s, cluster: web, service: api, targets: [{ region: us-east-1, role: '${ROLE('111111111111')}' }] }]`,
    ).stages[0]!.matrix.include[0]!;
    expect(deployStepSettings(entry).settings.taskDefinition).not.toHaveProperty('commit');
    expect(deployStepSettings(entry, 'b'.repeat(40)).settings.taskDefinition).toMatchObject({
      kind: 'manifest',
      commit: 'b'.repeat(40),
    });
  });

  it('leaves the deploy defaults to the action when the file sets nothing', () => {
    const entry = plan(
      `stages: [{ name: s, cluster: web, service: api, targets: [{ region: us-east-1, role: '${ROLE('111111111111')}' }] }]`,
    ).stages[0]!.matrix.include[0]!;
    const { settings } = deployStepSettings(entry);
    expect(settings).toMatchObject({
      stepsText: 'Canary10Percent5Minutes',
      route: { kind: 'task-sets' },
      alarms: [],
      oneBox: false,
      oneBoxBakeMs: 10 * 60_000,
      bakeMs: 5 * 60_000,
      pollIntervalMs: 10_000,
      insufficientData: 'ignore',
      stabilizeTimeoutMs: 10 * 60_000,
      timeoutMs: 60 * 60_000,
      requireReview: false,
      environment: 'web/api@us-east-1',
    });
  });

  it('gives the gate the release queue: on-closed queue, its environment, and release-queued on schedule', () => {
    const gated = plan(`gate:
  on-closed: queue
  environment: prod-eu
stages: [{ name: s, cluster: c, service: s, targets: [{ region: us-east-1, role: '${ROLE('111111111111')}' }] }]`);
    const gate = JSON.parse(workflowOutputs(gated)['gate']!) as Record<string, string>;
    const step = jobs.gate!.steps.find((s) => s.id === 'gate')!;
    const inputs = evaluateWith(step, {
      ...Object.fromEntries(
        Object.entries(gate).map(([key, value]) => [`fromJSON(needs.plan.outputs.gate).${key}`, value]),
      ),
      'inputs.override': '',
      "github.event_name == 'schedule' || inputs.release-queued": 'true',
      'inputs.manifest-artifact': 'api-manifest',
    });
    // The action's default github-token is the workflow token.
    expect(parseGateSettings(recordInputs({ ...inputs, 'github-token': 'ghs_x' }))).toMatchObject({
      onClosed: 'queue',
      queue: { environment: 'prod-eu', releaseQueued: true, manifestArtifact: 'api-manifest' },
    });
    expect(renderPlanTable(gated)).toContain('when closed: queue (in prod-eu, shipped by a scheduled run)');
  });

  it('gives the gate action every gate setting of the file', () => {
    const gated = plan(`gate:
  windows: Mon-Fri 09:00-17:00
  timezone: Europe/Berlin
  blackout: [2026-12-20..2027-01-04, 2026-11-26]
  holidays: DE-BY
  holiday-types: [public, bank]
  blocker-alarms: [sev1, sev2]
  alarm-prefixes: api-
  on-closed: wait
  max-wait: 2h
  role: '${ROLE('111111111111')}'
  region: eu-central-1
stages: [{ name: s, cluster: c, service: s, targets: [{ region: us-east-1, role: '${ROLE('111111111111')}' }] }]`);
    const gate = JSON.parse(workflowOutputs(gated)['gate']!) as Record<string, string>;
    const step = jobs.gate!.steps.find((s) => s.id === 'gate')!;
    const context = {
      ...Object.fromEntries(
        Object.entries(gate).map(([key, value]) => [`fromJSON(needs.plan.outputs.gate).${key}`, value]),
      ),
      'inputs.override': '',
      "github.event_name == 'schedule' || inputs.release-queued": 'false',
      'inputs.manifest-artifact': 'safe-deploy-manifest',
    };
    const inputs = evaluateWith(step, context);
    expect(inputs['holiday-types']).toBe('public\nbank');
    expect(parseGateSettings(recordInputs(inputs))).toMatchObject({
      timezone: 'Europe/Berlin',
      blockerAlarms: ['sev1', 'sev2'],
      alarmPrefixes: ['api-'],
      onClosed: 'wait',
      maxWait: 2 * 60 * 60_000,
    });
    // The gate job that reads alarms assumes the gate's role (scripts/pipeline-workflow.mjs).
    const credentials = jobs['gate-alarms']!.steps.find((s) =>
      s.uses?.startsWith('aws-actions/configure-aws-credentials@'),
    )!;
    expect(evaluateWith(credentials, { ...context, 'github.run_id': '1' })).toMatchObject({
      'role-to-assume': ROLE('111111111111'),
      'aws-region': 'eu-central-1',
    });
  });

  it('names only inputs the deploy and gate actions have, and every gate setting of the schema', () => {
    const inputsOf = (file: string) =>
      Object.keys((parse(readFileSync(file, 'utf8')) as { inputs: Record<string, unknown> }).inputs);
    expect(DEPLOY_SETTINGS.filter((name) => !inputsOf('action.yml').includes(name))).toEqual([]);
    expect(
      GATE_INPUTS.filter((name) => name !== 'role' && name !== 'region').filter(
        (name) => !inputsOf('gate/action.yml').includes(name),
      ),
    ).toEqual([]);
    const schema = pipelineJsonSchema() as { $defs: { Gate: { properties: Record<string, unknown> } } };
    expect(Object.keys(schema.$defs.Gate.properties).sort()).toEqual([...GATE_INPUTS].sort());
  });

  it('finds the one manifest file in the downloaded artifact, whatever the package path named it', () => {
    const script = jobs['stage-1']!.steps.find((step) => step.id === 'manifest') as Step & { run: string };
    const run = (files: string[]) => {
      const temp = mkdtempSync(join(tmpdir(), 'safe-deploy-runner-'));
      for (const file of files) {
        mkdirSync(join(temp, 'safe-deploy-manifest', file, '..'), { recursive: true });
        writeFileSync(join(temp, 'safe-deploy-manifest', file), '{}');
      }
      const output = join(temp, 'output');
      writeFileSync(output, '');
      const result = spawnSync('bash', ['-e', '-c', script.run], {
        encoding: 'utf8',
        // No stdin: bash given a socket as stdin (and no SHLVL) reads /etc/bash.bashrc as for ssh.
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { PATH: process.env.PATH, RUNNER_TEMP: temp, GITHUB_OUTPUT: output },
      });
      return { code: result.status, stdout: result.stdout, output: readFileSync(output, 'utf8'), temp };
    };
    const one = run(['deploy/api-manifest']);
    expect(one.code).toBe(0);
    expect(one.output).toBe(`path=${join(one.temp, 'safe-deploy-manifest/deploy/api-manifest')}\n`);
    const two = run(['a.json', 'b.json']);
    expect(two.code).toBe(1);
    expect(two.stdout).toContain('::error::expected one manifest file in the artifact, found 2');
  });

  it('is described by plan/action.yml outputs', () => {
    const action = parse(readFileSync('plan/action.yml', 'utf8')) as {
      outputs: Record<string, unknown>;
      runs: unknown;
    };
    expect(Object.keys(action.outputs).sort()).toEqual(Object.keys(workflowOutputs(example)).sort());
    expect(action.runs).toEqual({ using: 'node24', main: '../dist/plan/index.js' });
  });
});
