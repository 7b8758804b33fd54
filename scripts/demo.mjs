// npm run demo: a full canary deploy and an automatic rollback, run by the built action (dist/) exactly
// as the GitHub runner runs it, against the local AWS emulator (moto_server on a free loopback port);
// then the same for an ordinary ECS rolling service.
import { appendFileSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  INSTALL_HINT,
  motoInstalled,
  readDeployState,
  readServiceState,
  seedRollingService,
  seedService,
  setAlarm,
  startMoto,
} from './lib/emulator.mjs';
import { runAction } from './lib/run-action.mjs';

const bold = (s) => (process.stdout.isTTY ? `\x1b[1m${s}\x1b[0m` : s);
const dim = (s) => (process.stdout.isTTY ? `\x1b[2m${s}\x1b[0m` : s);

if (!motoInstalled()) {
  console.error(INSTALL_HINT);
  process.exit(1);
}
if (!existsSync('dist/deploy/index.js')) {
  console.error('dist/deploy/index.js is missing: run `npm install && npm run build` first');
  process.exit(1);
}

// Each deploy's job summary (result, traffic chart, timeline, plan), as GitHub shows it under the run,
// collected in one Markdown file outside the repository; its path is printed at the start and the end.
const summaries = join(mkdtempSync(join(tmpdir(), 'safe-deploy-demo-')), 'job-summaries.md');
writeFileSync(summaries, '# safe-deploy demo: the job summary of each deploy\n');
let deploys = 0;

// Each rolling deployment takes two seconds, so the deploy is seen following it.
const moto = await startMoto({ rolloutSeconds: 2 });
try {
  console.log(bold(`AWS emulator on ${moto.endpoint}`));
  console.log(`Each deploy's job summary goes to ${summaries}`);
  const seeded = await seedService(moto, { desiredCount: 4, alarms: ['api-5xx', 'api-p99-latency'] });
  console.log(
    `Seeded ECS service ${seeded.cluster}/${seeded.service}: 4 tasks of blue behind ${short(seeded.listenerArn)}\n`,
  );

  const inputs = {
    cluster: seeded.cluster,
    service: seeded.service,
    'task-definition': seeded.taskDefinitionFile,
    'container-name': 'app',
    'listener-arn': seeded.listenerArn,
    alarms: 'api-5xx, api-p99-latency',
    'poll-interval': '1s',
    'stabilize-timeout': '1m',
    'github-token': '',
  };

  console.log(bold('1. Canary deploy: 10% for 8s, 50% for 8s, 100%, bake 8s, promote'));
  const first = await runAction('deploy', {
    inputs: {
      ...inputs,
      image: `shop/api@sha256:${'1'.repeat(64)}`,
      steps: '10%:8s, 50%:8s, 100%',
      'bake-time': '8s',
    },
    env: { ...moto.env, GITHUB_RUN_ID: '1001' },
    onStdout: echo,
  });
  await report(first, seeded);

  console.log(bold('\n2. Canary deploy of a bad version: api-5xx goes into ALARM during the 25% step'));
  let injected = false;
  const second = await runAction('deploy', {
    inputs: {
      ...inputs,
      image: `shop/api@sha256:${'2'.repeat(64)}`,
      steps: '25%:30s, 100%',
      'bake-time': '8s',
    },
    env: { ...moto.env, GITHUB_RUN_ID: '1002' },
    onStdout: (chunk) => {
      echo(chunk);
      if (!injected && chunk.includes('Green takes 25%')) {
        injected = true;
        setTimeout(() => {
          console.log(bold('   >>> demo: setting alarm api-5xx to ALARM (HTTP 5xx on green)'));
          void setAlarm(
            moto,
            'api-5xx',
            'ALARM',
            'Threshold Crossed: 57 datapoints were greater than the threshold (10)',
          );
        }, 3000);
      }
    },
  });
  await report(second, seeded);

  const [third, fourth] = await rollingDemo();
  const ok =
    first.outputs.result === 'deployed' &&
    second.outputs.result === 'rolled-back' &&
    third?.outputs.result === 'deployed' &&
    fourth?.outputs.result === 'rolled-back';
  console.log(
    bold(
      ok
        ? '\nDemo finished: on each kind of service one deploy went out and one rolled back automatically.'
        : '\nDemo did not go as expected.',
    ),
  );
  console.log(
    `The ${deploys} job summaries (charts of green's share, timelines, plans), as GitHub shows them under a run: ${bold(summaries)}`,
  );
  process.exitCode = ok ? 0 : 1;
} finally {
  await moto.stop();
}

/** An ordinary ECS rolling service (no listener, no second target group): a deploy, then a rollback. */
async function rollingDemo() {
  if (!moto.ecsRolling) {
    console.log(
      bold('\nSkipping the rolling service: ') +
        'moto must be importable by python3 for its ECS deployments to roll (pip install "moto[server]")',
    );
    return [];
  }
  const rolling = await seedRollingService(moto, { desiredCount: 3, alarms: ['worker-errors'] });
  console.log(
    bold(`\nSeeded ECS rolling service ${rolling.cluster}/${rolling.service}`) +
      `: ECS deployment controller, no strategy, 3 tasks of ${rolling.taskDefinitionArn.split('/').at(-1)}`,
  );
  const inputs = {
    cluster: rolling.cluster,
    service: rolling.service,
    'task-definition': rolling.taskDefinitionFile,
    'container-name': 'app',
    alarms: 'worker-errors',
    'poll-interval': '1s',
    'stabilize-timeout': '1m',
    'github-token': '',
  };
  console.log(bold('\n3. Rolling deploy: ECS replaces the tasks, alarms watched, bake 6s'));
  const third = await runAction('deploy', {
    inputs: { ...inputs, image: `shop/worker@sha256:${'3'.repeat(64)}`, 'bake-time': '6s' },
    env: { ...moto.env, GITHUB_RUN_ID: '1003' },
    onStdout: echo,
  });
  await reportRolling(third, rolling);

  console.log(bold('\n4. Rolling deploy of a bad version: worker-errors goes into ALARM during the bake'));
  let injected = false;
  const fourth = await runAction('deploy', {
    inputs: { ...inputs, image: `shop/worker@sha256:${'4'.repeat(64)}`, 'bake-time': '30s' },
    env: { ...moto.env, GITHUB_RUN_ID: '1004' },
    onStdout: (chunk) => {
      echo(chunk);
      if (!injected && chunk.includes('take all traffic')) {
        injected = true;
        setTimeout(() => {
          console.log(bold('   >>> demo: setting alarm worker-errors to ALARM'));
          void setAlarm(moto, 'worker-errors', 'ALARM', 'Threshold Crossed: 12 job failures');
        }, 2000);
      }
    },
  });
  await reportRolling(fourth, rolling);
  return [third, fourth];
}

async function reportRolling(run, rolling) {
  await report(run, undefined);
  const state = await readServiceState(moto, rolling);
  const deployments = state.deployments.map(
    (d) => `${d.status} ${d.taskDefinition.split('/').at(-1)} ${d.rolloutState}, ${d.runningCount} running`,
  );
  console.log(
    `   AWS now: the service runs ${state.taskDefinition.split('/').at(-1)}; deployments: ${deployments.join('; ')}`,
  );
}

function echo(chunk) {
  for (const line of chunk.split('\n')) {
    if (
      !line.trim() ||
      line.startsWith('::debug') ||
      line.startsWith('::endgroup') ||
      line.startsWith('::save-state')
    )
      continue;
    if (line.startsWith('::group::')) console.log(`   ${bold(line.slice(9))}`);
    else if (line.startsWith('::warning::'))
      console.log(`     warning: ${decodeURIComponent(line.slice(11))}`);
    else if (line.startsWith('::error::')) console.log(`     error: ${decodeURIComponent(line.slice(9))}`);
    else console.log(`     ${line}`);
  }
}

async function report(run, seeded) {
  deploys++;
  appendFileSync(summaries, `\n---\n\n<!-- deploy ${deploys} -->\n\n${run.summary}`);
  const timeline = JSON.parse(run.outputs.timeline || '[]');
  const start = timeline.length ? Date.parse(timeline[0].at) : 0;
  console.log(`\n   result: ${bold(run.outputs.result)}  reason: ${run.outputs.reason}`);
  console.log(`   job summary: deploy ${deploys} in ${summaries}`);
  const alarmsOf = (entry) =>
    Object.entries(entry.alarms)
      .map(([n, s]) => `${n}=${s}`)
      .join(',') || '-';
  // The alarms column is as wide as its widest cell, so a long alarm name never runs into the note.
  const width = Math.max(18, ...timeline.map((e) => alarmsOf(e).length + 2));
  console.log(dim(`   time   phase           green  ${'alarms'.padEnd(width)}note`));
  for (const entry of timeline) {
    const alarms = alarmsOf(entry);
    console.log(
      `   ${`+${((Date.parse(entry.at) - start) / 1000).toFixed(1)}s`.padEnd(7)}${entry.phase.padEnd(16)}` +
        `${`${entry.traffic}%`.padStart(5)}  ${alarms.padEnd(width)}${entry.note ?? ''}`,
    );
  }
  if (!seeded) return;
  const state = await readDeployState(moto, seeded);
  // Target groups by name. Blue and green swap roles with every promotion: after the first deploy the
  // running version sits behind the group named "api-green", so say which task set each one holds.
  const groupName = (arn) => (arn === seeded.blueTargetGroup ? 'api-blue' : 'api-green');
  const weights = { 'api-blue': state.blueWeight, 'api-green': state.greenWeight };
  const sets = state.taskSets.map(
    (t) =>
      `${t.status} ${short(t.arn)} (${t.taskDefinition.split('/').at(-1)}, scale ${t.scale}%) ` +
      `behind ${groupName(t.targetGroup)}, which gets ${weights[groupName(t.targetGroup)]}% of the traffic`,
  );
  console.log(`   AWS now: ${sets.join('; ')}`);
}

function short(arn) {
  return arn.split('/').slice(-2).join('/');
}
