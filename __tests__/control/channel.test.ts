import {
  CONTROL_TAG,
  decideRequest,
  decodeAnswer,
  decodeRequest,
  decodeState,
  encodeAnswer,
  encodeRequest,
  encodeState,
  renderState,
  requestFor,
  type LiveState,
} from '../../src/control-protocol/channel.js';
import {
  checkTagLimits,
  decodeValue,
  encodeValue,
  fitValue,
  roomFor,
} from '../../src/control-protocol/tag-text.js';

const NOW = Date.parse('2026-12-02T15:00:00.000Z');
const state = (over: Partial<LiveState> = {}): LiveState => ({
  repository: 'octo/shop',
  commit: '0123456789abcdef0123456789abcdef01234567',
  runId: '4242',
  runAttempt: '1',
  runUrl: 'https://github.com/octo/shop/actions/runs/4242',
  phase: 'shift',
  step: '1/2',
  traffic: 10,
  hold: { kind: 'pause', key: 'step-1', until: '2026-12-02T16:00:00.000Z' },
  deadline: '2026-12-02T15:50:00.000Z',
  alarms: {},
  moreAlarms: 0,
  updated: '2026-12-02T14:59:30.000Z',
  ...over,
});

describe('tag values', () => {
  test('text ECS allows is written as it is; anything else as b64: and reads back the same', () => {
    expect(encodeValue('arn:aws:sts::111111111111:assumed-role/deploy/alice@example.com')).toBe(
      'arn:aws:sts::111111111111:assumed-role/deploy/alice@example.com',
    );
    for (const text of ['api 5xx, eu', 'b64:not really', ' leading space', 'ünïcode', '{"json":1}']) {
      const value = encodeValue(text);
      expect(value).toMatch(/^b64:[A-Za-z0-9+/]+=*$/);
      expect(decodeValue(value)).toBe(text);
    }
  });

  test('a long text is cut to fit 256 characters, marked with …', () => {
    const value = fitValue('x,'.repeat(400));
    expect(value.length).toBeLessThanOrEqual(256);
    expect(decodeValue(value)).toMatch(/^(x,)+x?,?…$/);
    expect(fitValue('short')).toBe('short');
  });

  test('50 tags at most: a key written again takes no new place', () => {
    const existing = Object.fromEntries(Array.from({ length: 45 }, (_, i) => [`user:${i}`, 'v']));
    expect(roomFor(existing, encodeState(state()))).toBe(false);
    expect(roomFor({ [CONTROL_TAG.phase]: 'x' }, encodeState(state()))).toBe(true);
  });
});

describe('live state in tags', () => {
  test('round-trips, within ECS limits', () => {
    const original = state({ alarms: { 'api-5xx': 'ALARM' } });
    const tags = encodeState(original);
    expect(() => checkTagLimits(tags)).not.toThrow();
    expect(Object.keys(tags).length).toBeLessThan(20);
    expect(decodeState(tags)).toEqual(original);
  });

  test('many not-OK alarms: as many as fit, the rest counted', () => {
    const alarms = Object.fromEntries(
      Array.from({ length: 30 }, (_, i) => [`service-latency-p99-region-${i}`, 'ALARM']),
    );
    const tags = encodeState(state({ alarms }));
    expect(() => checkTagLimits(tags)).not.toThrow();
    const back = decodeState(tags)!;
    expect(Object.keys(back.alarms).length + back.moreAlarms).toBe(30);
    expect(back.moreAlarms).toBeGreaterThan(0);
  });

  test('alarm names with commas or spaces survive', () => {
    const alarms = { 'api 5xx, eu': 'ALARM', 'db=slow': 'INSUFFICIENT_DATA' };
    const tags = encodeState(state({ alarms }));
    expect(() => checkTagLimits(tags)).not.toThrow();
    expect(decodeState(tags)!.alarms).toEqual(alarms);
  });

  test('no phase tag: no state (a task set or service no deploy published on)', () => {
    expect(decodeState({ team: 'shop' })).toBeUndefined();
  });

  test('the later of heartbeat and update is the last sign of life', () => {
    const tags = { ...encodeState(state()), [CONTROL_TAG.heartbeat]: '2026-12-02T14:59:59.000Z' };
    expect(decodeState(tags)!.updated).toBe('2026-12-02T14:59:59.000Z');
  });

  test('renders what status shows', () => {
    const text = renderState(state({ alarms: { 'api-5xx': 'ALARM' } }), NOW);
    expect(text).toContain(
      'run:      4242 (attempt 1) of octo/shop https://github.com/octo/shop/actions/runs/4242',
    );
    expect(text).toContain('traffic:  10% on green');
    expect(text).toContain('holding:  pause step-1, 1h left (2026-12-02T16:00:00.000Z)');
    expect(text).toContain('alarms:   api-5xx ALARM');
    expect(text).toContain('timeout:  50m left');
  });

  test('a finished deploy, or one whose job is gone, shows no time left and no hold', () => {
    const finished = renderState(state({ phase: 'finished', traffic: 100, hold: undefined }), NOW);
    expect(finished).toContain('timeout:  -');
    expect(finished).not.toContain('left');
    const silent = renderState(state({ updated: '2026-12-02T14:50:00.000Z' }), NOW);
    expect(silent).toContain('(not running: no sign of life for 5m)');
    expect(silent).toContain('holding:  -');
    expect(silent).toContain('timeout:  -');
  });
});

describe('requests', () => {
  const by = 'arn:aws:sts::111111111111:assumed-role/ops/alice';

  test('promote names the hold it ends; abort names none; both the run', () => {
    expect(requestFor('promote', state(), 'web/api', by, NOW)).toEqual({
      action: 'promote',
      by,
      at: '2026-12-02T15:00:00.000Z',
      run: '4242/1',
      hold: 'step-1',
    });
    expect(requestFor('abort', state({ hold: undefined }), 'web/api', by, NOW)).toMatchObject({
      action: 'abort',
      hold: undefined,
    });
  });

  test.each([
    ['promote', undefined, 'No deploy is running on web/api: nothing to promote'],
    [
      'abort',
      state({ phase: 'finished' }),
      'No deploy is running on web/api (the last one, run 4242, is finished)',
    ],
    ['abort', state({ updated: '2026-12-02T14:50:00.000Z' }), 'silent since 2026-12-02T14:50:00.000Z'],
    ['abort', state({ phase: 'rollback' }), 'is already rolling back: nothing to abort'],
    ['abort', state({ phase: 'promote', hold: undefined }), 'is promoting green: too late to abort'],
    ['promote', state({ phase: 'stabilize', hold: undefined }), 'is in stabilize, not holding'],
  ] as const)('%s refused for %j', (action, live, message) => {
    expect(() => requestFor(action, live, 'web/api', by, NOW)).toThrow(message);
  });

  test('round-trips through tags, an IAM session name with a comma too', () => {
    const request = requestFor('promote', state(), 'web/api', 'arn:aws:sts::1:assumed-role/ops/a,b', NOW);
    const tags = encodeRequest(request);
    expect(() => checkTagLimits(tags)).not.toThrow();
    expect(decodeRequest(tags)).toEqual(request);
    expect(decodeAnswer(encodeAnswer({ requestAt: request.at, text: 'promoted step-1' }))).toEqual({
      requestAt: request.at,
      text: 'promoted step-1',
    });
  });

  describe('what the job does with one', () => {
    const started = Date.parse('2026-12-02T14:00:00.000Z');
    const hold = { kind: 'pause' as const, key: 'step-1', until: undefined };
    const tagsOf = (over: Partial<ReturnType<typeof requestFor>> = {}) =>
      encodeRequest({ ...requestFor('promote', state(), 'web/api', by, NOW), ...over });

    test('promote ends the hold it names', () => {
      expect(decideRequest(tagsOf(), '4242/1', started, hold)).toMatchObject({ kind: 'promote' });
    });
    test('abort applies at any point, holding or not', () => {
      expect(decideRequest(tagsOf({ action: 'abort' }), '4242/1', started, undefined)).toMatchObject({
        kind: 'abort',
      });
    });
    test('a promote meant for an earlier hold does not end the next one', () => {
      expect(decideRequest(tagsOf(), '4242/1', started, { ...hold, key: 'step-2' })).toMatchObject({
        kind: 'ignore',
        answer: 'ignored: meant for step-1, the deploy is at step-2',
      });
    });
    test('a request for another run, or older than this run, is ignored', () => {
      expect(decideRequest(tagsOf(), '4243/1', started, hold)).toMatchObject({ kind: 'ignore' });
      expect(decideRequest(tagsOf(), '4242/1', NOW + 11 * 60_000, hold)).toMatchObject({ kind: 'ignore' });
      // A few minutes of clock skew between the asker and the job is no reason to ignore it.
      expect(decideRequest(tagsOf(), '4242/1', NOW + 3 * 60_000, hold)).toMatchObject({ kind: 'promote' });
    });
    test('an answered request is done', () => {
      const tags = tagsOf();
      const answered = {
        ...tags,
        ...encodeAnswer({ requestAt: tags[CONTROL_TAG.requestAt]!, text: 'promoted' }),
      };
      expect(decideRequest(answered, '4242/1', started, hold)).toEqual({ kind: 'none' });
      expect(decideRequest({}, '4242/1', started, hold)).toEqual({ kind: 'none' });
    });
  });
});
