import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { DEPLOY_SETTINGS, MAX_STAGES, parsePipeline } from '../../src/pipeline/config.js';
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
      },
      expect.objectContaining({ region: 'eu-west-1', alarms: 'api-high-severity\napi-eu-latency' }),
    ]);
    expect(example.stages[1]!.matrix.include[0]).toMatchObject({ stage: 'wave-1', 'bake-time': '1h' });
    expect(example.stages[0]!.matrix.include[0]).not.toHaveProperty('environment');
  });

  it('writes numbers, booleans and step lists the way the deploy inputs read them', () => {
    const { matrix } = plan(`
defaults: { cluster: 'arn:aws:ecs:us-east-1:1:cluster/web', service: api, min-requests: 500, require-review: false }
stages:
  - name: s
    steps: ['10%:5m', '50%:10m', '100%']
    blocker-alarms: [a, b]
    targets: [{ region: us-east-1, role: '${ROLE('111111111111')}' }]
`).stages[0]!;
    expect(matrix.include[0]).toMatchObject({
      cluster: 'arn:aws:ecs:us-east-1:1:cluster/web',
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
    expect(lines[1]).toBe('Gate: Mon-Thu 09:00-16:00, Asia/Seoul; when closed: fail');
    expect(lines[3]).toMatch(/^stage\s+target\s+steps\s+bake\s+one-box\s+alarms\s+environment$/);
    expect(lines.find((line) => line.startsWith('2. wave-1'))).toMatch(
      /ap-northeast-2 web\/api @222222222222\s+Canary10Percent5Minutes\s+1h\s+yes, 10m\s+api-high-severity\s+production$/,
    );
    expect(lines.find((line) => line.includes('eu-west-1'))).toContain('api-high-severity, api-eu-latency');
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

  it('passes every gate input of the file to the gate action', () => {
    const gate = jobs.gate!.steps.find((step) => step.id === 'gate')!;
    expect(gate.uses).toBe('org/safe-deploy/gate@v1');
    for (const name of GATE_INPUTS.filter((n) => n !== 'role' && n !== 'region')) {
      expect(gate.with?.[name]).toBe(`\${{ fromJSON(needs.plan.outputs.gate).${name} }}`);
    }
  });

  it(`has stage-1..stage-${MAX_STAGES}, each after the previous, guarded, and otherwise identical`, () => {
    const stageJobs = Object.keys(jobs).filter((name) => name.startsWith('stage-'));
    expect(stageJobs).toEqual(Array.from({ length: MAX_STAGES }, (_, i) => `stage-${i + 1}`));
    const normalised = (n: number) =>
      JSON.stringify({ ...jobs[`stage-${n}`], needs: undefined }).replaceAll(`-${n}`, '-N');
    for (let n = 1; n <= MAX_STAGES; n++) {
      const job = jobs[`stage-${n}`]!;
      expect(job.needs).toEqual(n === 1 ? ['plan', 'gate'] : ['plan', 'gate', `stage-${n - 1}`]);
      expect(job.if).toBe(`needs.plan.outputs.has-stage-${n} == 'true' && needs.gate.outputs.open == 'true'`);
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
    expect(job.steps.find((step) => step.uses?.startsWith('actions/download-artifact@'))?.with?.name).toBe(
      '${{ inputs.manifest-artifact }}',
    );
    const deploy = job.steps.find((step) => step.uses === 'org/safe-deploy@v1')!;
    const fromMatrix = Object.entries(deploy.with!).filter(([, value]) => value.startsWith('${{ matrix.'));
    expect(fromMatrix.map(([name]) => name).sort()).toEqual([...DEPLOY_SETTINGS, 'environment'].sort());
    for (const name of DEPLOY_SETTINGS) expect(deploy.with![name]).toBe(`\${{ matrix.${name} }}`);
    expect(deploy.with!.environment).toBe('${{ matrix.deployment }}');
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
