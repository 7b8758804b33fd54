import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

// What users of a published action expect of its repository, checked so that it stays true.
const workflows = readdirSync('.github/workflows').map((name) => join('.github/workflows', name));
const actionFiles = ['action.yml', ...readdirSync('.').filter((d) => existsSync(join(d, 'action.yml')))].map(
  (path) => (path === 'action.yml' ? path : join(path, 'action.yml')),
);

describe('workflows', () => {
  const uses = workflows.flatMap((file) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .map((line) => /^\s*(?:-\s+)?uses:\s*(\S+)(.*)$/.exec(line))
      .filter((match) => match !== null)
      .map((match) => ({ file, action: match[1]!, comment: match[2]!.trim() })),
  );

  it('pin every third-party action by a full commit SHA, with its version in a comment', () => {
    const thirdParty = uses.filter(({ action }) => !action.startsWith('org/safe-deploy'));
    expect(thirdParty.length).toBeGreaterThan(5);
    for (const use of thirdParty) {
      expect(use).toEqual({ ...use, action: expect.stringMatching(/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/) });
      expect(use.comment).toMatch(/^# v\d+\.\d+\.\d+$/);
    }
    // One version of an action everywhere: a pin that moves, moves in every file.
    const byAction = new Map<string, Set<string>>();
    for (const { action } of thirdParty) {
      const [name, sha] = action.split('@') as [string, string];
      byAction.set(name, (byAction.get(name) ?? new Set()).add(sha));
    }
    for (const [name, shas] of byAction) expect([name, shas.size]).toEqual([name, 1]);
  });

  it('run .ci/run on pull requests and pushes to main', () => {
    const ci = parse(readFileSync('.github/workflows/ci.yml', 'utf8')) as {
      on: { pull_request: unknown; push: { branches: string[] } };
      jobs: Record<string, { steps: { run?: string }[] }>;
    };
    expect(ci.on).toHaveProperty('pull_request');
    expect(ci.on.push.branches).toEqual(['main']);
    expect(Object.values(ci.jobs).flatMap((job) => job.steps.map((s) => s.run))).toContain('bash .ci/run');
  });

  it('move the major tag on a published release', () => {
    const release = parse(readFileSync('.github/workflows/release.yml', 'utf8')) as {
      on: { release: { types: string[] } };
      jobs: Record<string, { permissions: Record<string, string>; steps: { run?: string }[] }>;
    };
    expect(release.on.release.types).toEqual(['published']);
    const [job] = Object.values(release.jobs);
    expect(job!.permissions).toEqual({ contents: 'write' });
    const script = job!.steps.map((step) => step.run ?? '').join('\n');
    expect(script).toContain('git push --force origin "refs/tags/$major"');
  });

  it('the pipeline is as scripts/pipeline-workflow.mjs writes it', () => {
    const check = spawnSync(process.execPath, ['scripts/pipeline-workflow.mjs', '--check'], {
      encoding: 'utf8',
    });
    expect(check.stderr).toBe('');
    expect(check.status).toBe(0);
  });

  it('the pipeline records how a queued release ended, whatever happened to its stages', () => {
    const jobs = (
      parse(readFileSync('.github/workflows/pipeline.yml', 'utf8')) as {
        jobs: Record<
          string,
          { if?: string; needs?: string[]; steps?: { uses?: string; with?: Record<string, string> }[] }
        >;
      }
    ).jobs;
    const release = jobs.release!;
    expect(release.if).toMatch(/^always\(\) && /);
    expect(release.needs).toEqual([
      'gate',
      'gate-alarms',
      ...Array.from({ length: 8 }, (_, i) => `stage-${i + 1}`),
    ]);
    expect(release.steps![0]).toMatchObject({ uses: 'org/safe-deploy/queue@v1' });
    // Every stage deploys the queued commit's manifest when the gate took one.
    for (let n = 1; n <= 8; n++) {
      const deploy = jobs[`stage-${n}`]!.steps!.find((step) => step.uses === 'org/safe-deploy@v1')!;
      expect(deploy.with!['manifest-commit']).toBe(
        '${{ needs.gate.outputs.release-commit || needs.gate-alarms.outputs.release-commit }}',
      );
    }
  });

  it('the pipeline asks for an OIDC token in the gate only when the gate reads alarms', () => {
    const jobs = (
      parse(readFileSync('.github/workflows/pipeline.yml', 'utf8')) as {
        jobs: Record<string, { if?: string; permissions: Record<string, string> }>;
      }
    ).jobs;
    expect(jobs.gate).toMatchObject({ if: "fromJSON(needs.plan.outputs.gate).role == ''" });
    // The release queue's deployments and the runs and artifacts they point at, in either gate job.
    const queue = { deployments: 'write', actions: 'read' };
    expect(jobs.gate!.permissions).toEqual({ contents: 'read', ...queue });
    expect(jobs['gate-alarms']).toMatchObject({ if: "fromJSON(needs.plan.outputs.gate).role != ''" });
    expect(jobs['gate-alarms']!.permissions).toEqual({ contents: 'read', 'id-token': 'write', ...queue });
  });
});

describe('repository', () => {
  it('updates npm packages and pinned actions with Dependabot', () => {
    const config = parse(readFileSync('.github/dependabot.yml', 'utf8')) as {
      updates: { 'package-ecosystem': string }[];
    };
    expect(config.updates.map((u) => u['package-ecosystem']).sort()).toEqual(['github-actions', 'npm']);
  });

  it('keeps a changelog with an Unreleased section', () => {
    expect(readFileSync('CHANGELOG.md', 'utf8')).toMatch(/^## \[Unreleased\]$/m);
  });

  it.each(actionFiles)('%s has branding and runs its entry on node24', (file) => {
    const action = parse(readFileSync(file, 'utf8')) as {
      branding?: { icon?: string; color?: string };
      runs: { using: string; main: string; post?: string };
    };
    expect(action.branding).toEqual({ icon: expect.any(String), color: expect.any(String) });
    expect(action.runs.using).toBe('node24');
    const folder = file === 'action.yml' ? '' : file.replace('/action.yml', '');
    expect(action.runs.main).toBe(`${folder ? '../' : ''}dist/${folder || 'deploy'}/index.js`);
    if (action.runs.post) expect(action.runs.post).toBe('dist/deploy/post.js');
  });

  it('states the same Node version in engines, the README and CI', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as {
      engines: { node: string };
      devDependencies: Record<string, string>;
    };
    expect(pkg.engines.node).toBe('>=22.3');
    expect(pkg.devDependencies.node).toMatch(/^\^24\./);
    expect(readFileSync('README.md', 'utf8')).toContain('Node.js 22.3 or later');
    expect(readFileSync('.github/workflows/ci.yml', 'utf8')).toContain('node-version: 24');
    expect(readFileSync('.ci/run', 'utf8')).toContain('-lt 24');
  });
});
