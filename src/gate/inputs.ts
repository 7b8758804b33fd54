import { inputError } from '../errors.js';
import {
  artifactName,
  boolean,
  duration,
  list,
  oneOf,
  optional,
  splitList,
  type InputReader,
} from '../inputs.js';
import { DEFAULT_WINDOWS, parseWindows, type DeployWindow } from './windows.js';

/** What to do when the gate is closed. */
export type OnClosed = 'fail' | 'skip' | 'wait' | 'queue';

/**
 * The gate's inputs as read and checked before any date library loads (this module needs none: it is
 * what an input error costs, see scripts/build.mjs). Holiday codes, the `.ics` file and `at` are kept as
 * given, for parseGateSettings (settings.ts) to read with date-holidays, ical.js and luxon.
 */
export interface GateInputs {
  windows: DeployWindow[];
  timezone: string;
  blackouts: BlackoutEntry[];
  holidays: string;
  holidayTypes: HolidayType[];
  calendarPath?: string;
  override?: string;
  blockerAlarms: string[];
  alarmPrefixes: string[];
  onClosed: OnClosed;
  /** Milliseconds `wait` may wait. */
  maxWait: number;
  /** The `at` input: an ISO-8601 time to evaluate instead of now, to preview a schedule. */
  at?: string;
  /** The release queue: where releases wait for the window, and whether this run ships the newest. */
  queue: QueueInputs;
}

/** The release queue's inputs (GitHub deployments; see src/queue). */
export interface QueueInputs {
  /** The GitHub environment whose deployments are the queue. */
  environment: string;
  /** Ship the newest queued release when open, instead of this run's commit. */
  releaseQueued: boolean;
  /** Name of the artifact the package action uploaded in this run. */
  manifestArtifact: string;
  /** Token for the Deployments and Actions APIs; needed only when the queue is used. */
  githubToken?: string;
}

/** Whether the gate reads or writes the release queue. */
export function usesQueue(inputs: Pick<GateInputs, 'onClosed' | 'queue'>): boolean {
  return inputs.onClosed === 'queue' || inputs.queue.releaseQueued;
}

/** One entry of the `blackout` input: inclusive ISO dates. */
export interface BlackoutEntry {
  first: string;
  last: string;
  text: string;
}

/** The holiday types date-holidays knows; the gate uses `public` unless asked for more. */
export const HOLIDAY_TYPES = ['public', 'bank', 'school', 'optional', 'observance'] as const;
export type HolidayType = (typeof HOLIDAY_TYPES)[number];

/** Reads and validates the gate's inputs but holidays and calendar; every error names the input and the bad text. */
export function readGateInputs(read: InputReader): GateInputs {
  const windows = parseWindows(read('windows') || DEFAULT_WINDOWS, 'windows');
  const timezone = read('timezone') || 'UTC';
  // UTC and its aliases need no zone database: checking a named zone starts ICU's time zone data, about
  // 20 ms, which the default spares an input error.
  if (!UNIVERSAL.test(timezone) && !isZone(timezone)) {
    throw inputError(
      'timezone',
      timezone,
      'expected an IANA time zone such as UTC, Europe/Berlin or Asia/Seoul',
    );
  }
  const blackouts = parseBlackouts(read('blackout'), 'blackout');
  const holidayTypes = readHolidayTypes(read);
  const calendarPath = optional(read, 'calendar');
  const onClosed = oneOf(read, 'on-closed', ['fail', 'skip', 'wait', 'queue'] as const, 'fail');
  const maxWait = duration(read, 'max-wait', '6h');
  const at = optional(read, 'at');
  if (at !== undefined && (onClosed === 'wait' || onClosed === 'queue')) {
    throw inputError(
      'on-closed',
      onClosed,
      `cannot be combined with \`at\`: a preview of another time does not ${onClosed}`,
    );
  }
  const queue = readQueueInputs(read);
  if (at !== undefined && queue.releaseQueued) {
    throw inputError('release-queued', 'true', 'cannot be combined with `at`: a preview deploys nothing');
  }
  if ((onClosed === 'queue' || queue.releaseQueued) && !queue.githubToken) {
    throw inputError(
      'github-token',
      '',
      `${onClosed === 'queue' ? '`on-closed: queue`' : '`release-queued: true`'} needs a token with ` +
        'deployments: write and actions: read (the default is the workflow token, github.token)',
    );
  }
  const override = optional(read, 'override');
  return {
    windows,
    timezone,
    blackouts,
    holidays: read('holidays'),
    holidayTypes,
    ...(calendarPath ? { calendarPath } : {}),
    ...(override ? { override } : {}),
    blockerAlarms: list(read, 'blocker-alarms'),
    alarmPrefixes: list(read, 'alarm-prefixes'),
    onClosed,
    maxWait,
    ...(at !== undefined ? { at } : {}),
    queue,
  };
}

/** GitHub's limit on an environment name. */
const ENVIRONMENT_MAX = 255;

/** The release queue's inputs: `environment`, `release-queued`, `manifest-artifact`, `github-token`. */
function readQueueInputs(read: InputReader): QueueInputs {
  const environment = read('environment') || 'production';
  if (environment.length > ENVIRONMENT_MAX || [...environment].some((c) => c.charCodeAt(0) < 0x20)) {
    throw inputError(
      'environment',
      environment,
      `expected a GitHub environment name of at most ${ENVIRONMENT_MAX} characters on one line`,
    );
  }
  const manifestArtifact = artifactName(read, 'manifest-artifact', 'safe-deploy-manifest');
  const githubToken = optional(read, 'github-token');
  return {
    environment,
    releaseQueued: boolean(read, 'release-queued', false),
    manifestArtifact,
    ...(githubToken ? { githubToken } : {}),
  };
}

/** Parses the `blackout` input; throws a UserError naming the input and the bad entry. */
export function parseBlackouts(text: string, input = 'blackout'): BlackoutEntry[] {
  return splitList(text, input).map((entry) => {
    const [first = '', last = first, ...rest] = entry.split('..').map((part) => part.trim());
    const expected = 'expected a date (2026-11-26) or an inclusive range (2026-12-20..2027-01-04)';
    if (rest.length || !isDate(first) || !isDate(last)) throw inputError(input, entry, expected);
    if (last < first) throw inputError(input, entry, 'the range ends before it starts');
    return { first, last, text: first === last ? first : `${first}..${last}` };
  });
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A calendar date: the form YYYY-MM-DD, and a day that exists (no 2026-02-30). */
function isDate(text: string): boolean {
  if (!DATE.test(text)) return false;
  const day = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(day.getTime()) && day.toISOString().startsWith(text);
}

/**
 * Whether `zone` is an IANA time zone: what luxon's IANAZone.isValidZone asks too, Intl's own answer,
 * here without loading luxon.
 */
export function isZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** UTC and its aliases: no zone database needed, no daylight saving to warn about. */
export const UNIVERSAL = /^(UTC|GMT|UCT|Etc\/(UTC|GMT|UCT|Universal|Zulu)|Universal|Zulu)$/;

/** The `holiday-types` input: which date-holidays types close the gate (default `public`). */
function readHolidayTypes(read: InputReader): HolidayType[] {
  const types = list(read, 'holiday-types').map((text) => {
    const type = HOLIDAY_TYPES.find((known) => known === text.toLowerCase());
    if (!type) throw inputError('holiday-types', text, `expected a list of ${HOLIDAY_TYPES.join(', ')}`);
    return type;
  });
  return types.length ? types : ['public'];
}
