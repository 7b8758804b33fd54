/**
 * The moto emulator for tests: the same code the demo and the benchmark use (scripts/lib/emulator.mjs).
 * `startMoto` throws when moto_server is missing: integration tests never skip.
 */
export {
  freePort,
  motoClientConfig,
  putAlarm,
  readDeployState,
  readServiceState,
  seedRollingService,
  seedService,
  setAlarm,
  startMoto,
  taskDefinitionJson,
  type Moto,
  type SeededRollingService,
  type SeededService,
} from '../../scripts/lib/emulator.mjs';
