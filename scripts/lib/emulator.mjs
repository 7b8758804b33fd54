// The local AWS emulator (moto_server) for the demo, the benchmark and the tests: start it on a free
// loopback port and seed an ECS service the way a real one is set up for safe-deploy: an EXTERNAL
// deployment controller, a PRIMARY ("blue") task set behind an ALB listener that forwards to two
// target groups, a test listener, and CloudWatch alarms.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ec2 from '@aws-sdk/client-ec2';
import * as ecs from '@aws-sdk/client-ecs';
import * as elb from '@aws-sdk/client-elastic-load-balancing-v2';
import * as cw from '@aws-sdk/client-cloudwatch';

export const INSTALL_HINT = "moto_server is not installed: run `pip install 'moto[server]'`";

/** Finds a free TCP port on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** True when moto_server can be run. */
export function motoInstalled() {
  return spawnSync('moto_server', ['--help'], { stdio: 'ignore' }).status === 0;
}

// moto_server plus the rolling ECS deployments moto 5.2 lacks (see the file), run by the Python that has moto.
const LAUNCHER = fileURLToPath(new URL('./moto-server.py', import.meta.url));

/** The Python interpreter that can import moto, if any (pipx installs keep moto away from it). */
function motoPython() {
  return ['python3', 'python'].find(
    (python) => spawnSync(python, ['-c', 'import moto.server'], { stdio: 'ignore' }).status === 0,
  );
}

/**
 * Starts moto_server on a free loopback port. A missing emulator is an error, never a skip. Where the
 * Python that has moto can be found, ECS-controller services also roll their deployments on after
 * UpdateService (`ecsRolling`), each taking `rolloutSeconds` of real time, and a RunTask task whose
 * overridden command (its words joined by spaces) is a key of `taskExitCodes` exits with that code.
 * @param {{ rolloutSeconds?: number, taskExitCodes?: Record<string, number> }} [options]
 * @returns {Promise<import('./emulator.d.mts').Moto>}
 */
export async function startMoto({ rolloutSeconds = 0, taskExitCodes = {} } = {}) {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const zygote = process.env[ZYGOTE_ENV];
  const server = zygote
    ? await forkFromZygote(zygote, { port, rolloutSeconds, taskExitCodes })
    : spawnMoto(port, { rolloutSeconds, taskExitCodes });
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (server.exited()) throw new Error(`moto_server exited: ${server.stderr()}`);
    try {
      if ((await fetch(`${endpoint}/moto-api/`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await server.stop();
      throw new Error(`moto_server did not start on ${endpoint}: ${server.stderr()}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const env = {
    AWS_ENDPOINT_URL: endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
  };
  return {
    endpoint,
    env,
    ecsRolling: server.launcher,
    async reset() {
      await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
    },
    stop: () => server.stop(),
  };
}

/** Starts moto_server as its own process: the launcher where the Python that has moto is found. */
function spawnMoto(port, { rolloutSeconds, taskExitCodes }) {
  if (!motoInstalled()) throw new Error(INSTALL_HINT);
  const python = motoPython();
  const args = ['-H', '127.0.0.1', '-p', String(port)];
  const child = python
    ? spawn(python, [LAUNCHER, ...args], {
        stdio: ['ignore', 'ignore', 'pipe'],
        env: {
          ...process.env,
          SAFE_DEPLOY_MOTO_ROLLOUT_SECONDS: String(rolloutSeconds),
          SAFE_DEPLOY_MOTO_TASK_EXIT_CODES: JSON.stringify(taskExitCodes),
        },
      })
    : spawn('moto_server', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  return {
    launcher: Boolean(python),
    exited: () => child.exitCode !== null,
    stderr: () => stderr,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/**
 * The environment variable naming a zygote's socket (startMotoZygote): while it is set, startMoto asks the
 * zygote for a fork instead of starting moto_server from scratch.
 */
export const ZYGOTE_ENV = 'SAFE_DEPLOY_MOTO_ZYGOTE';

/** Asks the zygote listening on `socketPath` for a moto_server of its own on `port`. */
async function forkFromZygote(socketPath, request) {
  const answer = await new Promise((resolve, reject) => {
    const connection = connect(socketPath);
    let text = '';
    connection.on('data', (chunk) => (text += chunk.toString()));
    connection.on('end', () => resolve(text));
    connection.on('error', (error) =>
      reject(new Error(`the moto zygote at ${socketPath} did not answer: ${error.message}`)),
    );
    connection.write(`${JSON.stringify(request)}\n`);
  });
  const { pid } = JSON.parse(answer);
  const alive = () => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  return {
    launcher: true,
    exited: () => !alive(),
    stderr: () => '(a fork of the moto zygote: its output goes nowhere)',
    async stop() {
      if (!alive()) return;
      process.kill(pid, 'SIGTERM');
      for (let i = 0; i < 100 && alive(); i++) await new Promise((r) => setTimeout(r, 20));
    },
  };
}

/**
 * Starts a moto zygote (scripts/lib/moto-server.py --zygote): one Python process that imports moto and
 * builds its services once, then forks a moto_server for each startMoto while `ZYGOTE_ENV` names its
 * socket. Starting moto_server costs about two seconds of CPU; the end-to-end tests start one per test
 * file. A missing emulator is an error, never a skip.
 * @returns {Promise<{ socketPath: string, stop(): void }>}
 */
export async function startMotoZygote() {
  if (!motoInstalled()) throw new Error(INSTALL_HINT);
  const python = motoPython();
  if (!python) throw new Error(`${INSTALL_HINT} (for the Python on PATH)`);
  const socketPath = join(mkdtempSync(join(tmpdir(), 'safe-deploy-moto-')), 'zygote.sock');
  // stdin stays open as long as this process lives: the zygote ends when it closes.
  const child = spawn(python, [LAUNCHER, '--zygote', socketPath], { stdio: ['pipe', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  child.unref();
  child.stdin.unref?.();
  child.stderr.unref?.();
  const deadline = Date.now() + 30_000;
  while (!existsSync(socketPath)) {
    if (child.exitCode !== null) throw new Error(`the moto zygote exited: ${stderr}`);
    if (Date.now() > deadline) {
      child.kill();
      throw new Error(`the moto zygote did not start: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { socketPath, stop: () => void child.kill('SIGTERM') };
}

/** SDK client configuration for the emulator. */
export function motoClientConfig(moto) {
  return {
    endpoint: moto.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  };
}

/** A VPC with two subnets and an Application Load Balancer in it; `targetGroup` makes an HTTP group there. */
async function createLoadBalancer(ec2c, elbc, name) {
  const vpc = await ec2c.send(new ec2.CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }));
  const vpcId = vpc.Vpc.VpcId;
  const subnets = [];
  for (const [cidr, zone] of [
    ['10.0.1.0/24', 'us-east-1a'],
    ['10.0.2.0/24', 'us-east-1b'],
  ]) {
    const subnet = await ec2c.send(
      new ec2.CreateSubnetCommand({ VpcId: vpcId, CidrBlock: cidr, AvailabilityZone: zone }),
    );
    subnets.push(subnet.Subnet.SubnetId);
  }
  const lb = await elbc.send(new elb.CreateLoadBalancerCommand({ Name: name, Subnets: subnets }));
  const targetGroup = async (groupName) =>
    (
      await elbc.send(
        new elb.CreateTargetGroupCommand({
          Name: groupName,
          Protocol: 'HTTP',
          Port: 80,
          VpcId: vpcId,
          TargetType: 'ip',
        }),
      )
    ).TargetGroups[0].TargetGroupArn;
  return { loadBalancerArn: lb.LoadBalancers[0].LoadBalancerArn, targetGroup };
}

/**
 * Seeds a service `web/api` with `desiredCount` tasks: blue is PRIMARY behind target group `blue`; the
 * production and test listeners forward 100% to blue and 0% to `green`; the named alarms exist and are OK.
 * With `empty`, the service is created with only its name and no task set (for its first deploy).
 * Moto runs task sets only with launchType FARGATE and rejects awsvpc network configurations, so the
 * task definitions use bridge networking; container definitions need a container-level memory.
 * @returns {Promise<import('./emulator.d.mts').SeededService>}
 */
export async function seedService(
  moto,
  { desiredCount = 4, alarms = ['api-5xx'], cluster = 'web', service = 'api', empty = false } = {},
) {
  const config = motoClientConfig(moto);
  const ec2c = new ec2.EC2Client(config);
  const ecsc = new ecs.ECSClient(config);
  const elbc = new elb.ElasticLoadBalancingV2Client(config);

  const { loadBalancerArn, targetGroup } = await createLoadBalancer(ec2c, elbc, `${service}-alb`);
  const blueTargetGroup = await targetGroup(`${service}-blue`);
  const greenTargetGroup = await targetGroup(`${service}-green`);
  const listener = async (port) =>
    (
      await elbc.send(
        new elb.CreateListenerCommand({
          LoadBalancerArn: loadBalancerArn,
          Protocol: 'HTTP',
          Port: port,
          DefaultActions: [
            {
              Type: 'forward',
              ForwardConfig: {
                TargetGroups: [
                  { TargetGroupArn: blueTargetGroup, Weight: 100 },
                  { TargetGroupArn: greenTargetGroup, Weight: 0 },
                ],
              },
            },
          ],
        }),
      )
    ).Listeners[0].ListenerArn;
  const listenerArn = await listener(80);
  const testListenerArn = await listener(8080);

  await ecsc.send(new ecs.CreateClusterCommand({ clusterName: cluster }));
  const taskDefinition = taskDefinitionJson('public.ecr.aws/nginx/nginx:1.27');
  const registered = await ecsc.send(new ecs.RegisterTaskDefinitionCommand(taskDefinition));
  await ecsc.send(
    new ecs.CreateServiceCommand({
      cluster,
      serviceName: service,
      desiredCount,
      deploymentController: { type: 'EXTERNAL' },
    }),
  );
  let blueTaskSet = '';
  if (!empty) {
    const blue = await ecsc.send(
      new ecs.CreateTaskSetCommand({
        cluster,
        service,
        taskDefinition: registered.taskDefinition.taskDefinitionArn,
        launchType: 'FARGATE',
        loadBalancers: [{ targetGroupArn: blueTargetGroup, containerName: 'app', containerPort: 80 }],
        scale: { unit: 'PERCENT', value: 100 },
      }),
    );
    blueTaskSet = blue.taskSet.taskSetArn;
    await ecsc.send(
      new ecs.UpdateServicePrimaryTaskSetCommand({ cluster, service, primaryTaskSet: blueTaskSet }),
    );
  }
  for (const name of alarms) await putAlarm(moto, name);

  const dir = mkdtempSync(join(tmpdir(), 'safe-deploy-seed-'));
  const taskDefinitionFile = join(dir, 'task-definition.json');
  writeFileSync(taskDefinitionFile, JSON.stringify(taskDefinition, null, 2));
  return {
    cluster,
    service,
    loadBalancerArn,
    listenerArn,
    testListenerArn,
    blueTargetGroup,
    greenTargetGroup,
    blueTaskSet,
    taskDefinitionFile,
  };
}

/** A task definition moto accepts (bridge networking, container-level memory). */
export function taskDefinitionJson(image) {
  return {
    family: 'api',
    networkMode: 'bridge',
    containerDefinitions: [
      { name: 'app', image, memory: 512, essential: true, portMappings: [{ containerPort: 80 }] },
    ],
  };
}

/** Creates (or resets) a metric alarm in OK. */
export async function putAlarm(moto, name) {
  const cwc = new cw.CloudWatchClient(motoClientConfig(moto));
  await cwc.send(
    new cw.PutMetricAlarmCommand({
      AlarmName: name,
      Namespace: 'AWS/ApplicationELB',
      MetricName: 'HTTPCode_Target_5XX_Count',
      Statistic: 'Sum',
      Period: 60,
      EvaluationPeriods: 1,
      Threshold: 10,
      ComparisonOperator: 'GreaterThanThreshold',
    }),
  );
  await setAlarm(moto, name, 'OK');
}

/** Sets an alarm's state, as CloudWatch would when its metric crosses the threshold. */
export async function setAlarm(moto, name, state, reason = `Threshold Crossed: ${name}`) {
  const cwc = new cw.CloudWatchClient(motoClientConfig(moto));
  await cwc.send(new cw.SetAlarmStateCommand({ AlarmName: name, StateValue: state, StateReason: reason }));
}

/** What a user checks: the listener's weights by target group and the service's task sets. */
export async function readDeployState(moto, seeded, listenerArn = seeded.listenerArn) {
  const config = motoClientConfig(moto);
  const listeners = await new elb.ElasticLoadBalancingV2Client(config).send(
    new elb.DescribeListenersCommand({ ListenerArns: [listenerArn] }),
  );
  const forward = listeners.Listeners[0].DefaultActions.find((a) => a.Type === 'forward');
  const weights = Object.fromEntries(
    forward.ForwardConfig.TargetGroups.map((g) => [g.TargetGroupArn, g.Weight]),
  );
  const sets = await new ecs.ECSClient(config).send(
    new ecs.DescribeTaskSetsCommand({ cluster: seeded.cluster, service: seeded.service, include: ['TAGS'] }),
  );
  return {
    blueWeight: weights[seeded.blueTargetGroup] ?? 0,
    greenWeight: weights[seeded.greenTargetGroup] ?? 0,
    taskSets: sets.taskSets.map((t) => ({
      arn: t.taskSetArn,
      status: t.status,
      scale: t.scale?.value,
      targetGroup: t.loadBalancers?.[0]?.targetGroupArn,
      taskDefinition: t.taskDefinition,
      tags: Object.fromEntries((t.tags ?? []).map((tag) => [tag.key, tag.value])),
    })),
  };
}

/**
 * Seeds an ECS-controller service that rolls its updates (no strategy set, so ECS's default ROLLING),
 * already running its first task definition, with the named alarms. With `loadBalanced` its tasks are
 * registered in target group `<service>-tg`, which a listener of load balancer `<service>-alb` forwards
 * to. Rolling deploys need `moto.ecsRolling` (the Python that has moto) for its deployments to move on.
 * @returns {Promise<import('./emulator.d.mts').SeededRollingService>}
 */
export async function seedRollingService(
  moto,
  {
    desiredCount = 3,
    alarms = ['api-5xx'],
    cluster = 'web',
    service = 'api-rolling',
    loadBalanced = false,
  } = {},
) {
  const config = motoClientConfig(moto);
  const ecsc = new ecs.ECSClient(config);
  let balanced;
  if (loadBalanced) {
    const elbc = new elb.ElasticLoadBalancingV2Client(config);
    const { loadBalancerArn, targetGroup } = await createLoadBalancer(
      new ec2.EC2Client(config),
      elbc,
      `${service}-alb`,
    );
    const targetGroupArn = await targetGroup(`${service}-tg`);
    await elbc.send(
      new elb.CreateListenerCommand({
        LoadBalancerArn: loadBalancerArn,
        Protocol: 'HTTP',
        Port: 80,
        DefaultActions: [{ Type: 'forward', TargetGroupArn: targetGroupArn }],
      }),
    );
    balanced = { loadBalancerArn, targetGroupArn };
  }
  await ecsc.send(new ecs.CreateClusterCommand({ clusterName: cluster }));
  const taskDefinition = taskDefinitionJson('public.ecr.aws/nginx/nginx:1.27');
  const registered = await ecsc.send(new ecs.RegisterTaskDefinitionCommand(taskDefinition));
  await ecsc.send(
    new ecs.CreateServiceCommand({
      cluster,
      serviceName: service,
      desiredCount,
      taskDefinition: registered.taskDefinition.taskDefinitionArn,
      deploymentController: { type: 'ECS' },
      ...(balanced
        ? {
            loadBalancers: [
              { targetGroupArn: balanced.targetGroupArn, containerName: 'app', containerPort: 80 },
            ],
          }
        : {}),
    }),
  );
  for (const name of alarms) await putAlarm(moto, name);
  const dir = mkdtempSync(join(tmpdir(), 'safe-deploy-seed-'));
  const taskDefinitionFile = join(dir, 'task-definition.json');
  writeFileSync(taskDefinitionFile, JSON.stringify(taskDefinition, null, 2));
  return {
    cluster,
    service,
    taskDefinitionArn: registered.taskDefinition.taskDefinitionArn,
    taskDefinitionFile,
    ...balanced,
  };
}

/** What a user checks on a rolling service: the task definition it runs and its deployments. */
export async function readServiceState(moto, seeded) {
  const out = await new ecs.ECSClient(motoClientConfig(moto)).send(
    new ecs.DescribeServicesCommand({ cluster: seeded.cluster, services: [seeded.service] }),
  );
  const svc = out.services[0];
  return {
    taskDefinition: svc.taskDefinition,
    runningCount: svc.runningCount,
    deployments: (svc.deployments ?? []).map((d) => ({
      status: d.status,
      taskDefinition: d.taskDefinition,
      rolloutState: d.rolloutState,
      runningCount: d.runningCount,
    })),
  };
}
