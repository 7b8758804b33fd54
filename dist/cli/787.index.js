export const id = 787;
export const ids = [787];
export const modules = {

/***/ 201:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   y: () => (/* binding */ clientConfig)
/* harmony export */ });
/** Client configuration used for every AWS client the actions create. */
function clientConfig(settings = {}) {
    const region = settings.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
    return {
        ...(region ? { region } : {}),
        maxAttempts: settings.maxAttempts ?? 10,
        retryMode: 'adaptive',
    };
}


/***/ }),

/***/ 3817:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   vc: () => (/* binding */ SdkCloudWatch)
/* harmony export */ });
/* unused harmony exports ALARM_BATCH, dimensionOf */
/* harmony import */ var _aws_sdk_client_cloudwatch__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(4085);

/** CloudWatch takes at most 100 alarm names in one DescribeAlarms call. */
const ALARM_BATCH = 100;
/** `CloudWatchPort` over the AWS SDK. */
class SdkCloudWatch {
    client;
    constructor(client) {
        this.client = client;
    }
    async describeAlarms(names) {
        const batches = [];
        for (let i = 0; i < names.length; i += ALARM_BATCH)
            batches.push(names.slice(i, i + ALARM_BATCH));
        const results = await Promise.all(batches.map((batch) => this.read({
            AlarmNames: batch,
            AlarmTypes: ['MetricAlarm', 'CompositeAlarm'],
            MaxRecords: ALARM_BATCH,
        })));
        return results.flat();
    }
    alarmsWithPrefix(prefix) {
        return this.read({
            AlarmNamePrefix: prefix,
            AlarmTypes: ['MetricAlarm', 'CompositeAlarm'],
            MaxRecords: 100,
        });
    }
    async requestCount(loadBalancerArn, targetGroupArn, start, end) {
        const out = await this.client.send(new _aws_sdk_client_cloudwatch__WEBPACK_IMPORTED_MODULE_0__/* .GetMetricDataCommand */ .Soe({
            StartTime: start,
            EndTime: end,
            MetricDataQueries: [
                {
                    Id: 'requests',
                    MetricStat: {
                        Metric: {
                            Namespace: 'AWS/ApplicationELB',
                            MetricName: 'RequestCount',
                            Dimensions: [
                                { Name: 'TargetGroup', Value: dimensionOf(targetGroupArn) },
                                { Name: 'LoadBalancer', Value: dimensionOf(loadBalancerArn) },
                            ],
                        },
                        Period: 60,
                        Stat: 'Sum',
                    },
                },
            ],
        }));
        return (out.MetricDataResults?.[0]?.Values ?? []).reduce((sum, v) => sum + v, 0);
    }
    async read(input) {
        const found = [];
        let NextToken;
        do {
            const out = await this.client.send(new _aws_sdk_client_cloudwatch__WEBPACK_IMPORTED_MODULE_0__/* .DescribeAlarmsCommand */ .zWD({ ...input, NextToken }));
            for (const alarm of out.MetricAlarms ?? [])
                found.push(toState(alarm, 'metric'));
            for (const alarm of out.CompositeAlarms ?? [])
                found.push(toState(alarm, 'composite'));
            NextToken = out.NextToken;
        } while (NextToken);
        return found;
    }
}
function toState(alarm, type) {
    return {
        name: alarm.AlarmName ?? '',
        type,
        state: (alarm.StateValue ?? 'INSUFFICIENT_DATA'),
        reason: alarm.StateReason ?? '',
    };
}
/** The CloudWatch dimension value of an ELB ARN: `targetgroup/name/id` or `app/name/id`. */
function dimensionOf(arn) {
    const resource = arn.split(':').slice(5).join(':');
    return resource.startsWith('loadbalancer/') ? resource.slice('loadbalancer/'.length) : resource;
}


/***/ }),

/***/ 9373:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   m: () => (/* binding */ systemClock)
/* harmony export */ });
/** The real wall clock. */
const systemClock = {
    now: () => Date.now(),
    sleep: (ms, signal) => new Promise((resolve) => {
        if (signal?.aborted)
            return resolve();
        const timer = setTimeout(done, Math.max(0, ms));
        function done() {
            clearTimeout(timer);
            signal?.removeEventListener('abort', done);
            resolve();
        }
        signal?.addEventListener('abort', done, { once: true });
    }),
};


/***/ }),

/***/ 4836:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   F: () => (/* binding */ resolveAlarms),
/* harmony export */   Z: () => (/* binding */ AlarmWatch)
/* harmony export */ });
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3916);

/**
 * Resolves alarm names and prefixes to the alarms that exist, once, before anything changes.
 * A named alarm that does not exist is an error: an alarm that does not exist never fires.
 */
async function resolveAlarms(cloudwatch, names, prefixes, input) {
    const named = names.length ? await cloudwatch.describeAlarms(names) : [];
    const missing = names.filter((name) => !named.some((a) => a.name === name));
    if (missing.length) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .UserError */ .yo(`Input '${input}': ${missing.map((m) => JSON.stringify(m)).join(', ')} ${missing.length === 1 ? 'does' : 'do'} ` +
            'not exist in CloudWatch (an alarm that does not exist never fires: create it or fix the name)');
    }
    const byPrefix = (await Promise.all(prefixes.map((p) => cloudwatch.alarmsWithPrefix(p)))).flat();
    const unique = new Map();
    for (const alarm of [...named, ...byPrefix])
        unique.set(alarm.name, alarm);
    return [...unique.values()];
}
/**
 * Watches a fixed set of alarms: one batched read per poll, the last known state of each, and the
 * first breach. INSUFFICIENT_DATA is a breach only when the user asked for that.
 */
class AlarmWatch {
    cloudwatch;
    insufficientDataIsBreach;
    states = new Map();
    constructor(cloudwatch, insufficientDataIsBreach) {
        this.cloudwatch = cloudwatch;
        this.insufficientDataIsBreach = insufficientDataIsBreach;
    }
    /** Reads the alarms and returns those whose state changed since the last read. */
    async read(names) {
        if (names.length === 0)
            return [];
        const current = await this.cloudwatch.describeAlarms(names);
        const changed = [];
        for (const alarm of current) {
            const before = this.states.get(alarm.name);
            if (!before || before.state !== alarm.state)
                changed.push(alarm);
            this.states.set(alarm.name, alarm);
        }
        return changed;
    }
    /** The first of `names` in a breaching state, by the last read. */
    breach(names) {
        for (const name of names) {
            const alarm = this.states.get(name);
            if (!alarm)
                continue;
            if (alarm.state === 'ALARM' || (alarm.state === 'INSUFFICIENT_DATA' && this.insufficientDataIsBreach)) {
                return { alarm: alarm.name, state: alarm.state, reason: alarm.reason };
            }
        }
        return undefined;
    }
    /** Alarms that are not OK, by the last read, for the timeline. */
    notOk(names) {
        const result = {};
        for (const name of names) {
            const state = this.states.get(name)?.state;
            if (state && state !== 'OK')
                result[name] = state;
        }
        return result;
    }
}


/***/ }),

/***/ 1787:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  runGate: () => (/* binding */ runGate)
});

// UNUSED EXPORTS: POLL_MS

// EXTERNAL MODULE: ./node_modules/@actions/core/lib/core.js + 11 modules
var core = __webpack_require__(3360);
// EXTERNAL MODULE: ./node_modules/@aws-sdk/client-cloudwatch/dist-cjs/index.js
var dist_cjs = __webpack_require__(4085);
// EXTERNAL MODULE: ./src/aws/cloudwatch.ts
var aws_cloudwatch = __webpack_require__(3817);
// EXTERNAL MODULE: ./src/aws/clients.ts
var clients = __webpack_require__(201);
// EXTERNAL MODULE: ./src/clock.ts
var src_clock = __webpack_require__(9373);
// EXTERNAL MODULE: ./src/deploy/alarm-watch.ts
var alarm_watch = __webpack_require__(4836);
// EXTERNAL MODULE: ./src/duration.ts
var duration = __webpack_require__(7607);
// EXTERNAL MODULE: ./src/errors.ts
var errors = __webpack_require__(3916);
// EXTERNAL MODULE: ./node_modules/luxon/build/es6/luxon.mjs
var luxon = __webpack_require__(8714);
;// CONCATENATED MODULE: ./src/gate/windows.ts

const DEFAULT_WINDOWS = 'Mon-Thu 09:00-16:00';
const DAY_NAMES = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
/** The full English name of a weekday. */
function dayName(day) {
    return DAY_NAMES[day - 1];
}
const EXPECTED = 'expected `;`-separated rules of days and time ranges, such as "Mon-Thu 09:00-16:00; Fri 09:00-12:00" ' +
    'or "Mon-Fri 22:00-02:00" (days Mon..Sun, ranges Mon-Fri, lists Mon,Wed; times HH:MM, 00:00 to 24:00)';
/** Parses the `windows` input into rules; throws a UserError naming the input and the bad text. */
function parseWindows(text, input = 'windows') {
    const rules = text
        .split(/[;\n]/)
        .map((rule) => rule.trim())
        .filter(Boolean);
    if (rules.length === 0)
        throw (0,errors/* inputError */.Xu)(input, text, EXPECTED);
    return rules.map((rule) => parseRule(rule, input));
}
function parseRule(rule, input) {
    // Days come first (letters, `-` and `,`), then the time ranges.
    const match = /^([A-Za-z]+(?:\s*[-,]\s*[A-Za-z]+)*)\s+(\S.*)$/.exec(rule);
    if (!match)
        throw (0,errors/* inputError */.Xu)(input, rule, EXPECTED);
    const [, dayText = '', timeText = ''] = match;
    const days = parseDays(dayText, rule, input);
    const ranges = timeText.split(',').map((range) => parseRange(range.trim(), input));
    const text = `${dayText.replace(/\s+/g, '')} ${ranges.map(formatRange).join(',')}`;
    return { days, ranges, text };
}
function parseDays(text, rule, input) {
    const days = new Set();
    for (const item of text.split(',').map((part) => part.trim())) {
        const [from, to, ...rest] = item.split('-').map((part) => part.trim());
        if (rest.length || from === undefined)
            throw (0,errors/* inputError */.Xu)(input, rule, EXPECTED);
        const first = parseDay(from, input);
        if (to === undefined) {
            days.add(first);
            continue;
        }
        // A range may wrap around the week: Fri-Mon is Fri, Sat, Sun, Mon.
        const last = parseDay(to, input);
        for (let day = first;; day = ((day % 7) + 1)) {
            days.add(day);
            if (day === last)
                break;
        }
    }
    return [...days].sort((a, b) => a - b);
}
function parseDay(text, input) {
    const lower = text.toLowerCase();
    const index = DAY_NAMES.findIndex((name) => name.toLowerCase() === lower || name.slice(0, 3).toLowerCase() === lower);
    if (index < 0)
        throw (0,errors/* inputError */.Xu)(input, text, 'expected a day: Mon, Tue, Wed, Thu, Fri, Sat or Sun');
    return (index + 1);
}
function parseRange(text, input) {
    const match = /^(\d{1,2}:\d{2})\s*-\s*(\d{1,2}:\d{2})$/.exec(text);
    if (!match)
        throw (0,errors/* inputError */.Xu)(input, text, 'expected a time range such as 09:00-16:00 or 22:00-02:00');
    const start = parseTime(match[1], input, false);
    const end = parseTime(match[2], input, true);
    if (start === end % 1440 && end !== 1440) {
        throw (0,errors/* inputError */.Xu)(input, text, 'the range starts and ends at the same time (use 00:00-24:00 for a whole day)');
    }
    return { start, end };
}
function parseTime(text, input, isEnd) {
    const [h = '', m = ''] = text.split(':');
    const minutes = Number(h) * 60 + Number(m);
    const valid = Number(m) < 60 && (Number(h) < 24 || (isEnd && minutes === 1440));
    if (!valid)
        throw (0,errors/* inputError */.Xu)(input, text, `expected a time from 00:00 to ${isEnd ? '24:00' : '23:59'}`);
    return minutes;
}
/** `HH:MM` for minutes after midnight (1440 is `24:00`). */
function formatMinutes(minutes) {
    return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}
/** `HH:MM-HH:MM`. */
function formatRange(range) {
    return `${formatMinutes(range.start)}-${formatMinutes(range.end)}`;
}
/** Whether a range spans midnight into the next day. */
function spansMidnight(range) {
    return range.end <= range.start;
}
/**
 * The wall-clock spans (minutes from that day's midnight, end may exceed 1440 when spanning midnight)
 * the windows give a weekday, in the order they start.
 */
function rangesOn(windows, day) {
    const ranges = [];
    for (const window of windows) {
        if (!window.days.includes(day))
            continue;
        for (const range of window.ranges) {
            ranges.push(spansMidnight(range) ? { start: range.start, end: range.end + 1440 } : range);
        }
    }
    return ranges.sort((a, b) => a.start - b.start);
}

;// CONCATENATED MODULE: ./src/gate/evaluate.ts


/** How far ahead next-open and closes-at are searched. */
const HORIZON_DAYS = 366;
/**
 * How far ahead the calendar is laid out: a short stretch answers almost every question, a year covers
 * long blackouts; the second is used only when the first cannot say when the gate opens or closes.
 */
const HORIZONS_DAYS = [14, HORIZON_DAYS];
/** Evaluates the gate at `instant` (epoch ms) with the given blocker alarm states. */
function evaluateGate(calendar, instant, alarms = []) {
    const from = instant - 2 * DAY;
    let raw = [];
    let closed = [];
    let current;
    let nextOpen;
    let closesAt;
    for (const days of HORIZONS_DAYS) {
        const to = instant + days * DAY;
        closed = closedSpans(calendar, from, to);
        raw = windowIntervals(calendar, from, to);
        const open = layout(raw, closed, from, to);
        current = open.find((i) => i.start <= instant && instant < i.end);
        nextOpen = current ? instant : open.find((i) => i.start > instant)?.start;
        // An interval cut at the end of the laid-out stretch does not close there.
        closesAt = current && current.end < to ? current.end : undefined;
        if (nextOpen !== undefined && (!current || closesAt !== undefined))
            break;
    }
    const calendarOpen = current !== undefined;
    const zone = calendar.timezone;
    let calendarReason;
    if (calendarOpen) {
        const rule = raw.find((i) => i.start <= instant && instant < i.end)?.window ?? '';
        calendarReason = `inside deploy window ${rule} ${zone}`;
    }
    else {
        calendarReason =
            closed.find((s) => s.start <= instant && instant < s.end)?.reason ?? outsideWindows(calendar, instant);
    }
    const inAlarm = alarms.filter((a) => a.state === 'ALARM');
    const alarmReasons = inAlarm.map((a) => `alarm ${a.name} in ALARM`);
    const base = { at: instant, calendarOpen, calendarReason, overridden: false, alarms: inAlarm };
    const times = {
        ...(nextOpen !== undefined ? { nextOpen } : {}),
        ...(closesAt !== undefined ? { closesAt } : {}),
    };
    if (calendar.override) {
        const otherwise = [...(calendarOpen ? [] : [calendarReason]), ...alarmReasons];
        const reason = `override: ${calendar.override}${otherwise.length ? ` (otherwise closed: ${otherwise.join('; ')})` : ''}`;
        return { ...base, ...times, open: true, overridden: true, reason };
    }
    if (inAlarm.length) {
        const reason = [...(calendarOpen ? [] : [calendarReason]), ...alarmReasons].join('; ');
        return { ...base, ...times, open: false, reason };
    }
    return { ...base, ...times, open: calendarOpen, reason: calendarReason };
}
/** The calendar for `days` local days starting with the day of `instant`, for the job summary. */
function daysAhead(calendar, instant, days = 7) {
    const zone = calendar.timezone;
    const first = luxon/* DateTime */.c9.fromMillis(instant, { zone }).startOf('day');
    const from = first.toMillis() - DAY;
    const to = first.plus({ days: days + 1 }).toMillis();
    const closed = closedSpans(calendar, from, to);
    const open = layout(windowIntervals(calendar, from, to), closed, from, to);
    const plans = [];
    for (let d = 0; d < days; d++) {
        const day = first.plus({ days: d });
        const start = day.toMillis();
        const end = day.plus({ days: 1 }).startOf('day').toMillis();
        const hours = open
            .filter((i) => i.end > start && i.start < end)
            .map((i) => `${localTime(Math.max(i.start, start), zone)}-${i.end >= end ? '24:00' : localTime(i.end, zone)}`);
        const plan = { date: day.toISODate(), weekday: dayName(day.weekday), open: hours };
        if (!hours.length) {
            const covering = closed.find((s) => s.start < end && s.end > start && hasWindowOn(calendar, day));
            plan.closed = covering?.reason ?? 'no deploy window';
        }
        plans.push(plan);
    }
    return plans;
}
/** ISO-8601 with the zone's offset, to the second: `2026-11-27T09:00:00-05:00`. */
function formatInstant(ms, zone) {
    return luxon/* DateTime */.c9.fromMillis(ms, { zone }).toISO({ suppressMilliseconds: true }) ?? '';
}
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
function localTime(ms, zone) {
    return luxon/* DateTime */.c9.fromMillis(ms, { zone }).toFormat('HH:mm');
}
function hasWindowOn(calendar, day) {
    return rangesOn(calendar.windows, day.weekday).length > 0;
}
function closedSpans(calendar, from, to) {
    return calendar.closures
        .flatMap((c) => c.spans(from, to, calendar.timezone))
        .filter((s) => s.end > from && s.start < to);
}
/** Every window occurrence starting on a local day from the day of `from` to the day of `to`. */
function windowIntervals(calendar, from, to) {
    const zone = calendar.timezone;
    const intervals = [];
    for (let day = luxon/* DateTime */.c9.fromMillis(from, { zone }).startOf('day'); day.toMillis() < to; day = day.plus({ days: 1 })) {
        for (const window of calendar.windows) {
            if (!window.days.includes(day.weekday))
                continue;
            for (const range of window.ranges) {
                const end = range.end <= range.start ? range.end + 1440 : range.end;
                const start = wallClock(day, range.start, 'start');
                const stop = wallClock(day, end, 'end');
                // A window inside a skipped spring-forward hour has no real time in it.
                if (stop > start)
                    intervals.push({ start, end: stop, window: window.text });
            }
        }
    }
    return intervals.sort((a, b) => a.start - b.start);
}
/**
 * The instant of a wall-clock time `minutes` after the midnight of `day` (beyond 1440: on the next days).
 * Set as calendar fields, not added as a duration, so a DST day does not shift the later hours. A time
 * that happens twice (fall-back) is its first occurrence for a start and its second for an end, so the
 * window holds every instant the clock shows a time inside it; a time the clock skips (spring-forward)
 * is the instant the clock jumps.
 */
function wallClock(day, minutes, edge) {
    const date = day.plus({ days: Math.floor(minutes / 1440) });
    const rest = minutes % 1440;
    const time = luxon/* DateTime */.c9.fromObject({ year: date.year, month: date.month, day: date.day, hour: Math.floor(rest / 60), minute: rest % 60 }, { zone: day.zone });
    if (time.hour * 60 + time.minute !== rest)
        return clockJump(time.toMillis() - 3 * HOUR, time.toMillis(), day.zone);
    const occurrences = time.getPossibleOffsets().map((t) => t.toMillis());
    if (occurrences.length < 2)
        return time.toMillis();
    return edge === 'start' ? Math.min(...occurrences) : Math.max(...occurrences);
}
/** The first minute with `hi`'s UTC offset after `lo` (a different offset): where the clock jumped. */
function clockJump(lo, hi, zone) {
    const offset = (ms) => luxon/* DateTime */.c9.fromMillis(ms, { zone }).offset;
    const target = offset(hi);
    while (hi - lo > MINUTE) {
        const mid = lo + Math.floor((hi - lo) / (2 * MINUTE)) * MINUTE;
        if (offset(mid) === target)
            hi = mid;
        else
            lo = mid;
    }
    return hi;
}
/** The open stretches within [from, to): windows merged, closed spans cut out. */
function layout(raw, closed, from, to) {
    return subtract(merge(raw), closed)
        .map((i) => ({ ...i, start: Math.max(i.start, from), end: Math.min(i.end, to) }))
        .filter((i) => i.end > i.start);
}
function merge(intervals) {
    const merged = [];
    for (const interval of intervals) {
        const last = merged[merged.length - 1];
        if (last && interval.start <= last.end)
            last.end = Math.max(last.end, interval.end);
        else
            merged.push({ ...interval });
    }
    return merged;
}
function subtract(open, closed) {
    let result = [...open];
    for (const span of closed) {
        result = result.flatMap((i) => {
            if (span.end <= i.start || span.start >= i.end)
                return [i];
            const parts = [];
            if (span.start > i.start)
                parts.push({ ...i, end: span.start });
            if (span.end < i.end)
                parts.push({ ...i, start: span.end });
            return parts;
        });
    }
    return result;
}
/** Why an instant outside every window is closed, by its local day's windows. */
function outsideWindows(calendar, instant) {
    const zone = calendar.timezone;
    const local = luxon/* DateTime */.c9.fromMillis(instant, { zone });
    const weekday = local.weekday;
    const yesterday = (((weekday + 5) % 7) + 1);
    // Today's wall-clock stretches, with what spills over midnight from yesterday's windows.
    const today = [
        ...rangesOn(calendar.windows, yesterday)
            .filter((r) => r.end > 1440)
            .map((r) => ({ start: 0, end: r.end - 1440 })),
        ...rangesOn(calendar.windows, weekday).map((r) => ({ start: r.start, end: Math.min(r.end, 1440) })),
    ].sort((a, b) => a.start - b.start);
    const minute = local.hour * 60 + local.minute;
    const day = dayName(weekday);
    const all = `outside deploy windows (${calendar.windows.map((w) => w.text).join('; ')} ${zone})`;
    if (!today.length)
        return `${day}: ${all}`;
    const before = today.filter((r) => r.end <= minute);
    const after = today.filter((r) => r.start > minute);
    const last = before[before.length - 1];
    const next = after[0];
    if (last && next)
        return `${day} between ${formatMinutes(last.end)} and ${formatMinutes(next.start)} ${zone}`;
    if (last)
        return `${day} after ${formatMinutes(Math.max(...before.map((r) => r.end)))} ${zone}`;
    if (next)
        return `${day} before ${formatMinutes(next.start)} ${zone}`;
    return all;
}

// EXTERNAL MODULE: ./src/inputs.ts
var inputs = __webpack_require__(8422);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: ./node_modules/date-holidays/src/index.js + 98 modules
var src = __webpack_require__(5026);
// EXTERNAL MODULE: ./node_modules/ical.js/dist/ical.js
var ical = __webpack_require__(9571);
;// CONCATENATED MODULE: ./src/gate/closures.ts






const DATE = /^\d{4}-\d{2}-\d{2}$/;
const closures_DAY = 24 * 60 * 60 * 1000;
/** The closed span of whole local days `first`..`last` (inclusive ISO dates) in `zone`. */
function localDays(first, last, zone, reason) {
    const start = luxon/* DateTime */.c9.fromISO(first, { zone }).startOf('day');
    const end = luxon/* DateTime */.c9.fromISO(last, { zone }).plus({ days: 1 }).startOf('day');
    return { start: start.toMillis(), end: end.toMillis(), reason };
}
/** Whether `zone` is an IANA time zone luxon knows. */
function isZone(zone) {
    return luxon/* IANAZone */.oh.isValidZone(zone);
}
/** Blackout dates and inclusive ranges: `2026-12-20..2027-01-04, 2026-11-26`. */
class Blackouts {
    entries;
    constructor(entries) {
        this.entries = entries;
    }
    /** Parses the `blackout` input; throws a UserError naming the input and the bad entry. */
    static parse(text, input = 'blackout') {
        return new Blackouts((0,inputs/* splitList */.ry)(text).map((entry) => {
            const [first = '', last = first, ...rest] = entry.split('..').map((part) => part.trim());
            const expected = 'expected a date (2026-11-26) or an inclusive range (2026-12-20..2027-01-04)';
            if (rest.length || !isDate(first) || !isDate(last))
                throw (0,errors/* inputError */.Xu)(input, entry, expected);
            if (last < first)
                throw (0,errors/* inputError */.Xu)(input, entry, 'the range ends before it starts');
            return { first, last, text: first === last ? first : `${first}..${last}` };
        }));
    }
    spans(_from, _to, zone) {
        return this.entries.map((e) => localDays(e.first, e.last, zone, `blackout ${e.text}`));
    }
}
function isDate(text) {
    return DATE.test(text) && luxon/* DateTime */.c9.fromISO(text, { zone: 'UTC' }).isValid;
}
/** Public holidays of one country, state or region (`US`, `KR`, `DE-BY`), each a whole local day. */
class PublicHolidays {
    code;
    holidays;
    byYear = new Map();
    constructor(code, holidays) {
        this.code = code;
        this.holidays = holidays;
    }
    /** Parses the `holidays` input; an unknown code is a UserError naming the input and the code. */
    static parse(text, input = 'holidays') {
        return (0,inputs/* splitList */.ry)(text).map((code) => {
            const [country = '', state, region, ...rest] = code.toUpperCase().split('-');
            const known = new src/* default */.A();
            // init() accepts any code silently, so check against the library's own lists first.
            const ok = !rest.length &&
                has(known.getCountries(), country) &&
                (state === undefined || has(known.getStates(country) ?? {}, state)) &&
                (region === undefined ||
                    (state !== undefined && has(known.getRegions(country, state) ?? {}, region)));
            if (!ok) {
                throw (0,errors/* inputError */.Xu)(input, code, 'expected a country, state or region code known to date-holidays, such as US, KR or DE-BY');
            }
            const holidays = new src/* default */.A(country, state ?? '', region ?? '', { types: ['public'] });
            return new PublicHolidays(code.toUpperCase(), holidays);
        });
    }
    spans(from, to, zone) {
        const spans = [];
        const first = luxon/* DateTime */.c9.fromMillis(from, { zone }).year;
        const last = luxon/* DateTime */.c9.fromMillis(to, { zone }).year;
        for (let year = first; year <= last; year++) {
            for (const holiday of this.inYear(year)) {
                spans.push(localDays(holiday.date, holiday.date, zone, `holiday: ${holiday.name} (${this.code})`));
            }
        }
        return spans;
    }
    inYear(year) {
        let found = this.byYear.get(year);
        if (!found) {
            // The holiday's own calendar date (`date` is local to the country); the gate reads it as a whole
            // day in its own time zone, as for blackouts.
            found = this.holidays
                .getHolidays(year, 'en')
                .filter((h) => h.type === 'public')
                .map((h) => ({ date: h.date.slice(0, 10), name: h.name }));
            this.byYear.set(year, found);
        }
        return found;
    }
}
function has(codes, code) {
    return Object.keys(codes).some((key) => key.toUpperCase() === code);
}
/** Safety net for a rule that repeats very often from long ago (FREQ=MINUTELY since 1970). */
const MAX_OCCURRENCES = 200_000;
/** The events of an .ics file (recurring ones expanded) as blackouts. */
class IcsCalendar {
    path;
    events;
    constructor(path, events) {
        this.path = path;
        this.events = events;
    }
    /** Reads and parses the file; a missing or unparsable file is a UserError naming the input. */
    static load(path, input = 'calendar') {
        let text;
        try {
            text = (0,external_node_fs_.readFileSync)(path, 'utf8');
        }
        catch (error) {
            throw new errors/* UserError */.yo(`Input '${input}': ${JSON.stringify(path)} cannot be read: ${(0,errors/* describeError */.Uc)(error)}`);
        }
        return IcsCalendar.parse(text, path, input);
    }
    /** Parses iCalendar text read from `path`. */
    static parse(text, path, input = 'calendar') {
        let root;
        try {
            const parsed = ical/* default */.A.parse(text);
            if (!Array.isArray(parsed) || parsed[0] !== 'vcalendar')
                throw new Error('no VCALENDAR in the file');
            root = new ical/* default */.A.Component(parsed);
        }
        catch (error) {
            throw new errors/* UserError */.yo(`Input '${input}': ${JSON.stringify(path)} is not a valid iCalendar (.ics) file: ${(0,errors/* describeError */.Uc)(error)}`);
        }
        for (const zone of root.getAllSubcomponents('vtimezone'))
            ical/* default */.A.TimezoneService.register(zone);
        const components = root.getAllSubcomponents('vevent');
        const masters = new Map();
        const events = [];
        for (const component of components) {
            if (component.hasProperty('recurrence-id'))
                continue;
            const event = new ical/* default */.A.Event(component);
            if (!component.hasProperty('dtstart')) {
                throw new errors/* UserError */.yo(`Input '${input}': ${JSON.stringify(path)}: event ${JSON.stringify(event.summary ?? event.uid)} has no DTSTART`);
            }
            masters.set(event.uid, event);
            events.push(event);
        }
        // A moved or changed occurrence of a recurring event (RECURRENCE-ID) replaces that occurrence.
        for (const component of components) {
            if (!component.hasProperty('recurrence-id'))
                continue;
            const master = masters.get(String(component.getFirstPropertyValue('uid')));
            if (master)
                master.relateException(component);
            else
                events.push(new ical/* default */.A.Event(component));
        }
        return new IcsCalendar(path, events);
    }
    spans(from, to, zone) {
        const spans = [];
        for (const event of this.events) {
            const reason = `calendar: ${event.summary || 'event'}`;
            const iterator = event.iterator();
            // Occurrences well before the period are passed over cheaply (no zone conversion). Not when an
            // occurrence may have been moved (RECURRENCE-ID), as it may have moved into the period.
            const skipBefore = Object.keys(event.exceptions).length
                ? -Infinity
                : from - event.duration.toSeconds() * 1000 - 2 * closures_DAY;
            for (let n = 0, next = iterator.next(); next && n < MAX_OCCURRENCES; n++, next = iterator.next()) {
                if (next.toUnixTime() * 1000 < skipBefore)
                    continue;
                const details = event.getOccurrenceDetails(next);
                const span = toSpan(details.startDate, details.endDate, event, zone, reason);
                if (span.start >= to)
                    break;
                if (span.end > from && span.end > span.start)
                    spans.push(span);
            }
        }
        return spans;
    }
}
function toSpan(start, end, event, zone, reason) {
    if (start.isDate) {
        // All-day: whole local days in the gate's zone; DTEND is exclusive (and one day when absent).
        const first = isoDate(start);
        const endDay = end.isDate && end.compare(start) > 0
            ? luxon/* DateTime */.c9.fromISO(isoDate(end), { zone }).minus({ days: 1 })
            : null;
        return localDays(first, endDay ? endDay.toISODate() : first, zone, reason);
    }
    const tzid = String(event.component.getFirstProperty('dtstart')?.getParameter('tzid') ?? '');
    return { start: instant(start, tzid, zone), end: instant(end, tzid, zone), reason };
}
/** Epoch milliseconds of an iCalendar date-time. */
function instant(time, tzid, zone) {
    const id = time.zone?.tzid;
    if (id === 'UTC')
        return time.toUnixTime() * 1000;
    // A zone defined by a VTIMEZONE in the file with a non-IANA name (Outlook's "W. Europe Standard Time").
    if (id && id !== 'floating' && !isZone(id))
        return time.toUnixTime() * 1000;
    // IANA names are read with luxon's rules; a TZID without VTIMEZONE leaves ical.js with a floating time,
    // so take the name from the property; truly floating times are in the gate's zone.
    const name = id && id !== 'floating' ? id : isZone(tzid) ? tzid : zone;
    return luxon/* DateTime */.c9.fromObject({
        year: time.year,
        month: time.month,
        day: time.day,
        hour: time.hour,
        minute: time.minute,
        second: time.second,
    }, { zone: name }).toMillis();
}
function isoDate(time) {
    return `${String(time.year).padStart(4, '0')}-${String(time.month).padStart(2, '0')}-${String(time.day).padStart(2, '0')}`;
}

;// CONCATENATED MODULE: ./src/gate/settings.ts





/** Reads and validates the gate's inputs; every error names the input and the bad text. */
function parseGateSettings(read) {
    const timezone = read('timezone') || 'UTC';
    if (!isZone(timezone)) {
        throw (0,errors/* inputError */.Xu)('timezone', timezone, 'expected an IANA time zone such as UTC, Europe/Berlin or Asia/Seoul');
    }
    const windows = parseWindows(read('windows') || DEFAULT_WINDOWS, 'windows');
    const closures = [Blackouts.parse(read('blackout'), 'blackout')];
    closures.push(...PublicHolidays.parse(read('holidays'), 'holidays'));
    const calendarPath = (0,inputs/* optional */.lq)(read, 'calendar');
    if (calendarPath)
        closures.push(IcsCalendar.load(calendarPath, 'calendar'));
    const onClosed = (0,inputs/* oneOf */.yL)(read, 'on-closed', ['fail', 'skip', 'wait'], 'fail');
    const maxWait = (0,inputs/* duration */.p0)(read, 'max-wait', '6h');
    const atText = (0,inputs/* optional */.lq)(read, 'at');
    const at = atText === undefined ? undefined : parseInstant(atText, timezone, 'at');
    if (at !== undefined && onClosed === 'wait') {
        throw (0,errors/* inputError */.Xu)('on-closed', 'wait', 'cannot be combined with `at`: a preview of another time does not wait');
    }
    const override = (0,inputs/* optional */.lq)(read, 'override');
    return {
        windows,
        timezone,
        closures,
        ...(override ? { override } : {}),
        blockerAlarms: (0,inputs/* list */.p_)(read, 'blocker-alarms'),
        alarmPrefixes: (0,inputs/* list */.p_)(read, 'alarm-prefixes'),
        onClosed,
        maxWait,
        ...(at !== undefined ? { at } : {}),
    };
}
/** An ISO-8601 date or date-time; without an offset it is read in the gate's zone. */
function parseInstant(text, zone, input) {
    const time = luxon/* DateTime */.c9.fromISO(text, { zone });
    if (!time.isValid) {
        throw (0,errors/* inputError */.Xu)(input, text, 'expected an ISO-8601 time such as 2026-11-27T10:00:00+09:00 or 2026-11-27T10:00');
    }
    return time.toMillis();
}

;// CONCATENATED MODULE: ./src/gate/summary.ts

/** The job summary: the decision a person reads in ten seconds, then the week's windows. */
function renderGateSummary(settings, decision) {
    const zone = settings.timezone;
    const lines = [
        `## ${decision.open ? '🟢 Deploy gate open' : '🔴 Deploy gate closed'}${decision.overridden ? ' (overridden)' : ''}`,
        '',
        `**${summary_escape(decision.reason)}**`,
        '',
        '| | |',
        '|---|---|',
        `| Evaluated at | ${formatInstant(decision.at, zone)}${settings.at !== undefined ? ' (preview)' : ''} |`,
    ];
    if (decision.overridden)
        lines.push(`| Override | ${summary_escape(settings.override ?? '')} |`);
    if (decision.closesAt !== undefined)
        lines.push(`| Window closes | ${formatInstant(decision.closesAt, zone)} |`);
    if (!decision.calendarOpen) {
        const next = decision.nextOpen !== undefined ? formatInstant(decision.nextOpen, zone) : 'not within a year';
        lines.push(`| Next opening | ${next} |`);
    }
    if (decision.alarms.length) {
        lines.push(`| Alarms in ALARM | ${decision.alarms.map((a) => `\`${summary_escape(a.name)}\``).join(', ')} |`);
    }
    lines.push(`| Windows | ${summary_escape(settings.windows.map((w) => w.text).join('; '))} (${zone}) |`);
    lines.push('', `### Next 7 days (${zone})`, '', '| Day | Date | Open |', '|---|---|---|');
    for (const day of daysAhead(settings, decision.at)) {
        const open = day.open.length ? day.open.join(', ') : `closed: ${summary_escape(day.closed ?? '')}`;
        lines.push(`| ${day.weekday} | ${day.date} | ${open} |`);
    }
    return `${lines.join('\n')}\n`;
}
function summary_escape(text) {
    return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

;// CONCATENATED MODULE: ./src/gate/run.ts











/** How often `on-closed: wait` re-reads the alarms and the calendar. */
const POLL_MS = 60_000;
/**
 * Runs the gate: parse the inputs, read the blocker alarms (only when some are given), decide, wait
 * if asked, then set the outputs and the job summary. A closed gate with `on-closed: fail` throws a
 * UserError after the outputs are set, so later steps with `if: failure()` can still read them.
 */
async function runGate(read, deps = {}) {
    const settings = parseGateSettings(read);
    const clock = deps.clock ?? src_clock/* systemClock */.m;
    const readAlarms = alarmReader(settings, deps);
    const zone = settings.timezone;
    let decision = evaluateGate(settings, settings.at ?? clock.now(), await readAlarms());
    report(decision, settings);
    if (!decision.open && settings.onClosed === 'wait')
        decision = await waitForOpen(settings, decision, clock, readAlarms);
    core/* setOutput */.uH('open', String(decision.open));
    core/* setOutput */.uH('reason', decision.reason);
    core/* setOutput */.uH('next-open', decision.nextOpen !== undefined ? formatInstant(decision.nextOpen, zone) : '');
    core/* setOutput */.uH('closes-at', decision.closesAt !== undefined ? formatInstant(decision.closesAt, zone) : '');
    core/* setOutput */.uH('overridden', String(decision.overridden));
    const summary = renderGateSummary(settings, decision);
    // On the command line there is no job summary: print it instead.
    if (process.env.GITHUB_STEP_SUMMARY)
        await core/* summary */.z.addRaw(summary).write();
    else
        core/* info */.pq(summary);
    if (decision.open)
        return decision;
    const next = nextOpening(decision, zone);
    if (settings.onClosed === 'skip') {
        core/* notice */.lm(`Deploy gate closed: ${decision.reason}. ${next} Later jobs can skip on open == 'false'.`);
        return decision;
    }
    const waited = settings.onClosed === 'wait' ? ` after waiting up to ${(0,duration/* formatDuration */.a)(settings.maxWait)}` : '';
    throw new errors/* UserError */.yo(`Deploy gate closed${waited}: ${decision.reason}. ${next}`);
}
function alarmReader(settings, deps) {
    const { blockerAlarms, alarmPrefixes } = settings;
    if (!blockerAlarms.length && !alarmPrefixes.length)
        return () => Promise.resolve([]);
    const cloudwatch = deps.cloudwatch ?? new aws_cloudwatch/* SdkCloudWatch */.vc(new dist_cjs/* CloudWatchClient */.WBn((0,clients/* clientConfig */.y)()));
    // Resolved on every read: an alarm created under a prefix while waiting blocks too.
    return async () => {
        const alarms = await (0,alarm_watch/* resolveAlarms */.F)(cloudwatch, blockerAlarms, alarmPrefixes, 'blocker-alarms');
        core/* debug */.Yz(`Blocker alarms: ${alarms.map((a) => `${a.name}=${a.state}`).join(', ') || 'none matched'}`);
        return alarms;
    };
}
function report(decision, settings) {
    const zone = settings.timezone;
    core/* info */.pq(`Deploy gate at ${formatInstant(decision.at, zone)}: ${decision.open ? 'open' : 'closed'} (${decision.reason})`);
    if (decision.closesAt !== undefined && decision.calendarOpen) {
        core/* info */.pq(`The window closes at ${formatInstant(decision.closesAt, zone)}.`);
    }
    if (!decision.open)
        core/* info */.pq(nextOpening(decision, zone));
    if (decision.overridden) {
        core/* warning */.$e(`Deploy gate overridden: ${settings.override ?? ''}`);
        // An override opens the calendar, not the alarms: say loudly what is firing.
        for (const alarm of decision.alarms) {
            core/* warning */.$e(`Blocker alarm ${alarm.name} is in ALARM (${alarm.reason}); deploying anyway because of the override.`);
        }
    }
}
function nextOpening(decision, zone) {
    if (decision.calendarOpen)
        return 'The calendar is open: the gate opens when the alarms leave ALARM.';
    if (decision.nextOpen === undefined)
        return 'The calendar does not open within the next year.';
    return `Next opening: ${formatInstant(decision.nextOpen, zone)}.`;
}
/** Polls each minute until the gate opens or `max-wait` runs out; gives up early if the calendar cannot open in time. */
async function waitForOpen(settings, first, clock, readAlarms) {
    const deadline = clock.now() + settings.maxWait;
    const zone = settings.timezone;
    let decision = first;
    core/* info */.pq(`Waiting up to ${(0,duration/* formatDuration */.a)(settings.maxWait)} (until ${formatInstant(deadline, zone)}) for the gate to open.`);
    while (!decision.open) {
        const now = clock.now();
        if (!decision.calendarOpen && (decision.nextOpen === undefined || decision.nextOpen > deadline)) {
            core/* info */.pq('The calendar does not open before max-wait runs out: not waiting.');
            return decision;
        }
        if (now >= deadline)
            return decision;
        const untilOpen = !decision.calendarOpen && decision.nextOpen !== undefined ? decision.nextOpen - now : POLL_MS;
        await clock.sleep(Math.max(1, Math.min(POLL_MS, untilOpen, deadline - now)));
        const before = decision;
        decision = evaluateGate(settings, clock.now(), await readAlarms());
        if (decision.open)
            core/* info */.pq(`Deploy gate open at ${formatInstant(decision.at, zone)}: ${decision.reason}`);
        else if (decision.reason !== before.reason ||
            (!decision.calendarOpen && decision.nextOpen !== before.nextOpen)) {
            core/* info */.pq(`Still closed at ${formatInstant(decision.at, zone)}: ${decision.reason}. ${nextOpening(decision, zone)}`);
        }
    }
    return decision;
}


/***/ })

};
