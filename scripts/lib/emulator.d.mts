/** Types for emulator.mjs, shared by the demo, the benchmark and the tests. */
export interface Moto {
  endpoint: string;
  env: Record<string, string>;
  /** Whether ECS-controller services roll their deployments on after UpdateService (scripts/lib/moto-server.py). */
  ecsRolling: boolean;
  reset(): Promise<void>;
  stop(): Promise<void>;
}
export interface SeededService {
  cluster: string;
  service: string;
  loadBalancerArn: string;
  listenerArn: string;
  testListenerArn: string;
  blueTargetGroup: string;
  greenTargetGroup: string;
  /** Empty when seeded `empty` (no task set yet). */
  blueTaskSet: string;
  taskDefinitionFile: string;
}
export interface DeployState {
  blueWeight: number;
  greenWeight: number;
  taskSets: {
    arn: string;
    status: string;
    scale: number | undefined;
    targetGroup: string | undefined;
    taskDefinition: string;
    tags: Record<string, string>;
  }[];
}
export const INSTALL_HINT: string;
export function freePort(): Promise<number>;
export function motoInstalled(): boolean;
/** The environment variable naming a moto zygote's socket; startMoto forks from it while it is set. */
export const ZYGOTE_ENV: string;
/** Starts a moto zygote (one warmed-up moto that forks a moto_server per startMoto). */
export function startMotoZygote(): Promise<{ socketPath: string; stop(): void }>;
export function startMoto(options?: {
  rolloutSeconds?: number;
  taskExitCodes?: Record<string, number>;
}): Promise<Moto>;
export function motoClientConfig(moto: Moto): {
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
};
export function seedService(
  moto: Moto,
  options?: { desiredCount?: number; alarms?: string[]; cluster?: string; service?: string; empty?: boolean },
): Promise<SeededService>;
export function taskDefinitionJson(image: string): Record<string, unknown>;
export function putAlarm(moto: Moto, name: string): Promise<void>;
export function setAlarm(
  moto: Moto,
  name: string,
  state: 'OK' | 'ALARM' | 'INSUFFICIENT_DATA',
  reason?: string,
): Promise<void>;
export function readDeployState(
  moto: Moto,
  seeded: SeededService,
  listenerArn?: string,
): Promise<DeployState>;
export interface SeededRollingService {
  cluster: string;
  service: string;
  taskDefinitionArn: string;
  taskDefinitionFile: string;
  /** With `loadBalanced`: the load balancer and the service's target group behind its listener. */
  loadBalancerArn?: string;
  targetGroupArn?: string;
}
export interface RollingServiceState {
  taskDefinition: string;
  runningCount: number;
  deployments: { status: string; taskDefinition: string; rolloutState: string; runningCount: number }[];
}
export function seedRollingService(
  moto: Moto,
  options?: {
    desiredCount?: number;
    alarms?: string[];
    cluster?: string;
    service?: string;
    loadBalanced?: boolean;
  },
): Promise<SeededRollingService>;
export function readServiceState(moto: Moto, seeded: SeededRollingService): Promise<RollingServiceState>;
