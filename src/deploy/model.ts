/**
 * The run's vocabulary (result, phases, steps, plan, timeline, report) lives in `report/model.ts`: plain
 * data the deploy produces and the report renders without importing the deploy. This is the deploy's own
 * name for it.
 */
export * from '../report/model.js';
