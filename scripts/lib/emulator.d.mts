/** Types for emulator.mjs, shared by the demo, the benchmark and the tests. */
export interface Moto {
  endpoint: string;
  env: Record<string, string>;
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
export function startMoto(): Promise<Moto>;
export function motoClientConfig(moto: Moto): {
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
};
export function seedService(
  moto: Moto,
  options?: { desiredCount?: number; alarms?: string[]; cluster?: string; service?: string },
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
