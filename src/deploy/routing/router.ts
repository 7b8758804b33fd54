import type { EcsPort } from '../../aws/ecs.js';
import type { KeptRelease } from '../../control-protocol/channel.js';
import type { LoadBalancerPort } from '../../aws/load-balancer.js';
import type { AwsCalls } from '../calls.js';
import type { CountedTargetGroup } from '../requests.js';
import { EcsRouter } from './ecs.js';
import { ListenerRouter, type ListenerRoute } from './listener.js';
import { ScaleRouter } from './scale.js';
import { SoleTaskSetRouter } from './sole.js';

/**
 * The traffic port: every way of moving production traffic between the running release (blue) and the new
 * one (green) implements it, and `trafficRouter` below is the only place that chooses one. The lifecycle,
 * the kinds of service, the rollback, the post step and the kept-release restore talk to this interface
 * alone. Green's share is the caller's (the lifecycle owns it) and is passed in; a router keeps only what
 * it wrote itself.
 *
 * A new way of moving traffic (a weighted DNS record, an API gateway stage) is one new file implementing
 * this interface and one line in `trafficRouter`.
 */
export interface TrafficRouter {
  /**
   * The one-box stage: green runs one task (`scale` percent of the desired count) and takes `share` of
   * production traffic. Absent where the routing has no one box (ECS moves traffic; a first deploy).
   */
  oneBox?(share: number, scale: number): Promise<void>;
  /**
   * Moves green from `from` to `to` percent of production traffic. Where traffic can be read, it is read
   * first and the move refused (a Stop) when it is not where `from` says: someone else's move is never
   * silently overwritten.
   */
  shift(from: number, to: number): Promise<void>;
  /**
   * One poll's check that traffic is where the deploy left it (`expected`, green's share). A read that
   * fails waits for the next poll; traffic moved by someone else is a Stop.
   */
  drift(expected: number): Promise<void>;
  /** How often `drift` is worth a read between moves (0: every poll); it costs one AWS read a time. */
  readonly driftEveryMs: number;
  /** The last look before promotion, tried again through passing faults: a Stop if traffic moved. */
  confirm(expected: number): Promise<void>;
  /**
   * Where traffic is, read as a rollback reads (through passing faults, for the post step): what is not
   * as `expected` says, empty when it is.
   */
  verifyAt(expected: number): Promise<string[]>;
  /** Sends all test traffic to green. Absent where the route has no test traffic. */
  testTraffic?(): Promise<void>;
  /**
   * The rollback's move: all traffic back on blue, each call persisted (a rollback does not give up on a
   * passing fault). `onProduction` is called the moment production traffic is back.
   */
  restore(onProduction?: () => void): Promise<void>;
  /** Re-reads where traffic is after `restore` (setting it again where it did not stick); what is still wrong. */
  verifyRestored(): Promise<string[]>;
  /** Where green's own requests are counted, where its traffic goes through a target group of its own. */
  readonly greenRequests?: CountedTargetGroup;
}

/** A router between an EXTERNAL service's task sets: green is created under it, and made ready for it. */
export interface TaskSetRouter extends TrafficRouter {
  /** The scale (percent of the service's desired count) green is created at under this routing. */
  greenStartScale(oneBox: { scale: number } | undefined): number;
  /** Before the deploy: all traffic on blue (a route someone left split), tried again through passing faults. */
  reset(): Promise<void>;
  /** How traffic reaches blue, for the tags of a release kept by `keep-previous` (`safe-deploy rollback`). */
  readonly keptRoute: KeptRoute;
}

/** The route a kept release is reached by again, as its tags record it. */
export type KeptRoute = Pick<KeptRelease, 'routing' | 'production' | 'testListenerArn'>;

/** The two task sets a task-set router moves traffic between, and the waits it needs for them. */
export interface TaskSetPair {
  cluster: string;
  service: string;
  /** Blue, the release serving now; none on a service's first deploy. */
  blueArn: string | undefined;
  /** Green, once it exists (read at the moment the router acts: a router may be made before green). */
  greenArn(): string | undefined;
  /** Waits until green runs all the tasks its scale asks for: watched in a deploy, bounded elsewhere. */
  greenSteady(what: string): Promise<void>;
  /** Waits, bounded, until blue runs all its tasks again (a rollback's scale routing). */
  blueSteady(): Promise<void>;
}

/** ECS moves traffic itself (rolling, and its BLUE_GREEN / LINEAR / CANARY strategies). */
export interface EcsRouterSpec {
  moves: 'ecs';
  /** Waits until ECS has moved production traffic as far as its deployment goes (the kind follows it). */
  followShift(): Promise<void>;
}

/** safe-deploy moves traffic between an EXTERNAL service's task sets. */
export interface TaskSetRouterSpec {
  moves: 'task-sets';
  /** The production listener (or rule) with blue's and green's target groups; none for task-set scale. */
  listener: ListenerRoute | undefined;
  taskSets: TaskSetPair;
}

/** What a router is made from: who moves traffic, and over what. */
export type RouterSpec = EcsRouterSpec | TaskSetRouterSpec;

export interface RouterPorts {
  ecs: EcsPort;
  lb: LoadBalancerPort;
  calls: AwsCalls;
}

/** The one switch on how traffic is routed. */
export function trafficRouter(spec: EcsRouterSpec): TrafficRouter;
export function trafficRouter(spec: TaskSetRouterSpec, ports: RouterPorts): TaskSetRouter;
export function trafficRouter(spec: RouterSpec, ports?: RouterPorts): TrafficRouter {
  if (spec.moves === 'ecs') return new EcsRouter(spec.followShift);
  if (!ports) throw new Error('a task-set router needs the ECS and load balancer ports');
  if (spec.listener) return new ListenerRouter(spec.listener, spec.taskSets, ports);
  if (spec.taskSets.blueArn) return new ScaleRouter(spec.taskSets.blueArn, spec.taskSets, ports);
  return new SoleTaskSetRouter();
}
