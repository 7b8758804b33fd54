import { inputError, UserError } from '../../errors.js';
import type { DeploymentStrategyName } from '../../aws/ecs.js';
import type { TrafficStep } from '../../report/model.js';
import type { NativeStrategy } from './ecs-strategy.js';

/** How a service deploys, from its deployment controller and strategy. */
export type ServiceKind =
  { kind: 'task-sets' } | { kind: 'rolling' } | { kind: 'native'; strategy: NativeStrategy };

/** Where the guide to each kind (and to migrating off CodeDeploy) lives. */
export const KINDS_GUIDE = 'docs/service-kinds.md';

/**
 * The kind of deploy a service gets: EXTERNAL → task sets; ECS with ROLLING (or no strategy) → rolling;
 * ECS with BLUE_GREEN, LINEAR or CANARY → ECS-native. CODE_DEPLOY is refused with the way out.
 */
export function serviceKind(service: {
  name: string;
  controller: string;
  strategy: DeploymentStrategyName | undefined;
}): ServiceKind {
  switch (service.controller) {
    case 'EXTERNAL':
      return { kind: 'task-sets' };
    case 'ECS': {
      const strategy = service.strategy ?? 'ROLLING';
      if (strategy === 'ROLLING') return { kind: 'rolling' };
      if (strategy === 'BLUE_GREEN' || strategy === 'LINEAR' || strategy === 'CANARY') {
        return { kind: 'native', strategy };
      }
      throw new UserError(
        `Service '${service.name}' uses the ECS deployment strategy ${String(strategy)}, which safe-deploy does not know; ` +
          `it deploys ROLLING, BLUE_GREEN, LINEAR and CANARY services (see ${KINDS_GUIDE})`,
      );
    }
    case 'CODE_DEPLOY':
      throw new UserError(
        `Service '${service.name}' uses the CODE_DEPLOY deployment controller: CodeDeploy runs its deployments, so ` +
          `safe-deploy cannot watch or roll them back. Migrate it to ECS blue/green (the ECS controller with the ` +
          `BLUE_GREEN strategy, which keeps its listener and two target groups) or to an EXTERNAL service: see ` +
          `"Migrating from CodeDeploy" in ${KINDS_GUIDE}`,
      );
    default:
      throw new UserError(
        `Service '${service.name}' uses the deployment controller ${service.controller}, which safe-deploy does not know`,
      );
  }
}

/** The inputs whose meaning depends on the kind, as given by the user. */
export interface KindInputs {
  /** The `steps` input when the user gave it (undefined when the default applies). */
  steps: { text: string; steps: TrafficStep[] } | undefined;
  listenerArn: string | undefined;
  testListenerArn: string | undefined;
  oneBox: boolean;
  minRequests: number;
  beforeTraffic: string | undefined;
  /** `release-task` as given. */
  releaseTask?: string | undefined;
  /** `first-task-set` as given. */
  firstTaskSet?: string | undefined;
}

/**
 * Refuses inputs a kind cannot honour, before anything changes: each error names the input, says why the
 * kind cannot do it and how to get it. Task-set services accept everything here (their checks live in
 * settings and checkTaskSets); a rolling service's `min-requests` is checked against its target groups.
 */
export function checkKindInputs(name: string, kind: ServiceKind, inputs: KindInputs): void {
  if (kind.kind === 'task-sets') return;
  const what =
    kind.kind === 'rolling'
      ? `'${name}' is an ECS rolling service`
      : `'${name}' runs ECS's own ${kind.strategy} strategy`;
  if (kind.kind === 'rolling' && inputs.steps && !isAllAtOnce(inputs.steps.steps)) {
    throw inputError(
      'steps',
      inputs.steps.text,
      `${what}: its traffic moves with its tasks as ECS replaces them, so it has no traffic steps. Give ` +
        `AllAtOnce (or leave steps out); for steps, set the service's strategy to LINEAR or CANARY, or use an ` +
        `EXTERNAL service (see ${KINDS_GUIDE})`,
    );
  }
  // Before the listener inputs: a user who added a listener only to count requests learns why that fails.
  // A rolling service counts its own target group's requests (checked once its load balancer is read).
  if (kind.kind === 'native' && inputs.minRequests > 0) {
    throw inputError(
      'min-requests',
      String(inputs.minRequests),
      `${what}: ECS ends its bake after bakeTimeInMinutes (set from bake-time) and cannot wait for a request ` +
        `count; leave min-requests out (the bake of a ROLLING service behind an Application Load Balancer, or ` +
        `of an EXTERNAL service, can wait for one: see ${KINDS_GUIDE})`,
    );
  }
  if (inputs.testListenerArn) {
    throw inputError(
      'test-listener-arn',
      inputs.testListenerArn,
      kind.kind === 'rolling'
        ? `${what}: there is no second revision to send test traffic to; for a test listener use the BLUE_GREEN ` +
            `strategy (its testListenerRule) or an EXTERNAL service (see ${KINDS_GUIDE})`
        : `${what}: ECS sends test traffic through the testListenerRule in the service's load balancer ` +
            `advancedConfiguration; set it there and leave this input out`,
    );
  }
  if (inputs.listenerArn) {
    throw inputError(
      'listener-arn',
      inputs.listenerArn,
      kind.kind === 'rolling'
        ? `${what}: traffic reaches the new tasks through the service's own target group` +
            (inputs.minRequests > 0 ? ', whose requests min-requests counts' : '') +
            '; leave this input out'
        : `${what}: ECS moves traffic on the productionListenerRule in the service's load balancer ` +
            `advancedConfiguration; leave this input out`,
    );
  }
  if (inputs.oneBox) {
    throw inputError('one-box', 'true', `${what}: a one-box stage needs an EXTERNAL service's task sets`);
  }
  if (inputs.firstTaskSet) {
    throw inputError(
      'first-task-set',
      inputs.firstTaskSet,
      `${what}: ECS starts its tasks with the service's own launch settings; first-task-set is for an ` +
        'EXTERNAL service that has no task set yet',
    );
  }
  if (inputs.releaseTask) {
    throw inputError(
      'release-task',
      inputs.releaseTask,
      kind.kind === 'rolling'
        ? `${what}: new tasks take traffic as soon as they are healthy, so there is no moment before traffic to run it in`
        : `${what}: ECS shifts production traffic without waiting for the job; run it from an ECS lifecycle hook ` +
            `at POST_SCALE_UP instead`,
    );
  }
  if (inputs.beforeTraffic) {
    throw inputError(
      'before-traffic',
      inputs.beforeTraffic,
      kind.kind === 'rolling'
        ? `${what}: new tasks take traffic as soon as they are healthy, so there is no moment before traffic`
        : `${what}: ECS shifts production traffic without waiting for the job; use an ECS lifecycle hook at ` +
            `POST_TEST_TRAFFIC_SHIFT instead`,
    );
  }
}

/** What the plan says each kind does, a line each. */
export function describeKind(kind: ServiceKind): string {
  switch (kind.kind) {
    case 'task-sets':
      return 'EXTERNAL controller: a new task set beside the running one, traffic moved in the steps below';
    case 'rolling':
      return (
        "ECS controller, rolling update: ECS replaces the tasks in place (within the service's minimum healthy " +
        'and maximum percent); traffic follows the new tasks, then the bake; a failure updates back to the ' +
        'previous task definition'
      );
    case 'native':
      return (
        `ECS controller, ${kind.strategy} strategy: ECS runs the new revision beside the old and moves traffic ` +
        'itself, watched here through its lifecycle stages; a failure stops it with rollback'
      );
  }
}

function isAllAtOnce(steps: TrafficStep[]): boolean {
  return steps.length === 1 && steps[0]!.percent === 100;
}
