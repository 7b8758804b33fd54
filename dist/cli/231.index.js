export const id = 231;
export const ids = [231];
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

/***/ 3231:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  runDeploy: () => (/* binding */ runDeploy)
});

// UNUSED EXPORTS: STATE_KEY, actionLog, awsPorts, runIdentity

// EXTERNAL MODULE: ./node_modules/@actions/core/lib/core.js + 11 modules
var lib_core = __webpack_require__(3360);
// EXTERNAL MODULE: ./node_modules/@actions/exec/lib/exec.js + 5 modules
var exec = __webpack_require__(2876);
// EXTERNAL MODULE: ./node_modules/@aws-sdk/client-cloudwatch/dist-cjs/index.js
var dist_cjs = __webpack_require__(4085);
// EXTERNAL MODULE: ./node_modules/@aws-sdk/client-ecs/dist-cjs/index.js
var client_ecs_dist_cjs = __webpack_require__(212);
// EXTERNAL MODULE: ./node_modules/@aws-sdk/client-elastic-load-balancing-v2/dist-cjs/index.js
var client_elastic_load_balancing_v2_dist_cjs = __webpack_require__(586);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: ./src/aws/clients.ts
var clients = __webpack_require__(201);
// EXTERNAL MODULE: ./src/aws/cloudwatch.ts
var cloudwatch = __webpack_require__(3817);
;// CONCATENATED MODULE: ./src/aws/ecs.ts

/** `EcsPort` over the AWS SDK. */
class SdkEcs {
    client;
    constructor(client) {
        this.client = client;
    }
    async describeService(cluster, service) {
        const out = await this.client.send(new client_ecs_dist_cjs/* DescribeServicesCommand */.H7c({ cluster, services: [service] }));
        const svc = out.services?.find((s) => s.status !== 'INACTIVE');
        if (!svc?.serviceArn)
            return undefined;
        // DescribeServices lists task sets without tags; the deploy needs the tags to recognise its own runs.
        const sets = await this.client.send(new client_ecs_dist_cjs/* DescribeTaskSetsCommand */.JOb({ cluster, service: svc.serviceArn, include: ['TAGS'] }));
        return {
            arn: svc.serviceArn,
            name: svc.serviceName ?? service,
            clusterArn: svc.clusterArn ?? cluster,
            desiredCount: svc.desiredCount ?? 0,
            controller: svc.deploymentController?.type ?? 'ECS',
            taskSets: (sets.taskSets ?? []).map(toTaskSet),
        };
    }
    async describeTaskSet(cluster, service, arn) {
        const out = await this.client.send(new client_ecs_dist_cjs/* DescribeTaskSetsCommand */.JOb({ cluster, service, taskSets: [arn], include: ['TAGS'] }));
        const found = out.taskSets?.find((t) => t.taskSetArn === arn);
        return found ? toTaskSet(found) : undefined;
    }
    async registerTaskDefinition(input) {
        const out = await this.client.send(new client_ecs_dist_cjs/* RegisterTaskDefinitionCommand */.$Hl(input));
        const arn = out.taskDefinition?.taskDefinitionArn;
        if (!arn)
            throw new Error('RegisterTaskDefinition returned no ARN');
        return arn;
    }
    async describeTaskDefinition(reference) {
        try {
            const out = await this.client.send(new client_ecs_dist_cjs/* DescribeTaskDefinitionCommand */.Zy$({ taskDefinition: reference }));
            return out.taskDefinition;
        }
        catch (error) {
            if (errorName(error) === 'ClientException' || errorName(error) === 'InvalidParameterException')
                return undefined;
            throw error;
        }
    }
    async createTaskSet(cluster, service, input) {
        const from = input.template.raw;
        const loadBalancers = (from.loadBalancers ?? []).map((lb, index) => index === 0 && input.targetGroupArn ? { ...lb, targetGroupArn: input.targetGroupArn } : lb);
        const out = await this.client.send(new client_ecs_dist_cjs/* CreateTaskSetCommand */.JQQ({
            cluster,
            service,
            taskDefinition: input.taskDefinition,
            ...(from.capacityProviderStrategy?.length
                ? { capacityProviderStrategy: from.capacityProviderStrategy }
                : from.launchType
                    ? { launchType: from.launchType }
                    : {}),
            ...(from.platformVersion ? { platformVersion: from.platformVersion } : {}),
            ...(from.networkConfiguration?.awsvpcConfiguration
                ? { networkConfiguration: from.networkConfiguration }
                : {}),
            ...(from.serviceRegistries?.length ? { serviceRegistries: from.serviceRegistries } : {}),
            ...(loadBalancers.length ? { loadBalancers } : {}),
            ...(from.externalId ? { externalId: from.externalId } : {}),
            scale: { unit: 'PERCENT', value: input.scalePercent },
            tags: Object.entries(input.tags).map(([key, value]) => ({ key, value })),
        }));
        if (!out.taskSet)
            throw new Error('CreateTaskSet returned no task set');
        return toTaskSet(out.taskSet);
    }
    async scaleTaskSet(cluster, service, arn, percent) {
        await this.client.send(new client_ecs_dist_cjs/* UpdateTaskSetCommand */.qcp({
            cluster,
            service,
            taskSet: arn,
            scale: { unit: 'PERCENT', value: percent },
        }));
    }
    async makePrimary(cluster, service, arn) {
        await this.client.send(new client_ecs_dist_cjs/* UpdateServicePrimaryTaskSetCommand */.zIf({ cluster, service, primaryTaskSet: arn }));
    }
    async deleteTaskSet(cluster, service, arn) {
        try {
            await this.client.send(new client_ecs_dist_cjs/* DeleteTaskSetCommand */.y5A({ cluster, service, taskSet: arn, force: true }));
        }
        catch (error) {
            // Already gone is what we wanted: deleting is idempotent for the rollback and the post step.
            if (errorName(error) !== 'TaskSetNotFoundException')
                throw error;
        }
    }
    async tagTaskSet(arn, tags) {
        await this.client.send(new client_ecs_dist_cjs/* TagResourceCommand */.eqU({
            resourceArn: arn,
            tags: Object.entries(tags).map(([key, value]) => ({ key, value })),
        }));
    }
}
function toTaskSet(t) {
    return {
        arn: t.taskSetArn ?? '',
        status: t.status ?? 'ACTIVE',
        taskDefinition: t.taskDefinition ?? '',
        scalePercent: t.scale?.value ?? 0,
        stabilityStatus: t.stabilityStatus ?? 'STABILIZING',
        runningCount: t.runningCount,
        computedDesiredCount: t.computedDesiredCount,
        targetGroupArns: (t.loadBalancers ?? []).flatMap((lb) => (lb.targetGroupArn ? [lb.targetGroupArn] : [])),
        tags: Object.fromEntries((t.tags ?? []).map((tag) => [tag.key ?? '', tag.value ?? ''])),
        createdAt: t.createdAt,
        raw: t,
    };
}
/** The AWS error code of a thrown SDK error. */
function errorName(error) {
    return error instanceof Error ? error.name : '';
}

// EXTERNAL MODULE: ./src/errors.ts
var errors = __webpack_require__(3916);
;// CONCATENATED MODULE: ./src/aws/load-balancer.ts


/** `LoadBalancerPort` over the AWS SDK. */
class SdkLoadBalancer {
    client;
    /** The actions last read per listener or rule: a weight change rewrites them with new weights only. */
    actions = new Map();
    constructor(client) {
        this.client = client;
    }
    async readWeights(ref) {
        const actions = await this.readActions(ref);
        this.actions.set(ref.arn, actions);
        const forward = forwardAction(actions, ref);
        const groups = forward.ForwardConfig?.TargetGroups ?? [];
        if (groups.length === 0 && forward.TargetGroupArn)
            return { [forward.TargetGroupArn]: 100 };
        return Object.fromEntries(groups.map((g) => [g.TargetGroupArn ?? '', g.Weight ?? 1]));
    }
    async setWeights(ref, weights) {
        const actions = this.actions.get(ref.arn) ?? (await this.readActions(ref));
        const updated = actions.map((action) => action.Type === 'forward'
            ? {
                ...action,
                TargetGroupArn: undefined,
                ForwardConfig: {
                    ...action.ForwardConfig,
                    TargetGroups: Object.entries(weights).map(([TargetGroupArn, Weight]) => ({
                        TargetGroupArn,
                        Weight,
                    })),
                },
            }
            : action);
        if (ref.kind === 'listener') {
            await this.client.send(new client_elastic_load_balancing_v2_dist_cjs/* ModifyListenerCommand */.ugc({ ListenerArn: ref.arn, DefaultActions: updated }));
        }
        else {
            await this.client.send(new client_elastic_load_balancing_v2_dist_cjs/* ModifyRuleCommand */.y5P({ RuleArn: ref.arn, Actions: updated }));
        }
        this.actions.set(ref.arn, updated);
    }
    async targetHealth(targetGroupArn) {
        const out = await this.client.send(new client_elastic_load_balancing_v2_dist_cjs/* DescribeTargetHealthCommand */.qyg({ TargetGroupArn: targetGroupArn }));
        const targets = out.TargetHealthDescriptions ?? [];
        return {
            healthy: targets.filter((t) => t.TargetHealth?.State === 'healthy').length,
            total: targets.length,
        };
    }
    async readActions(ref) {
        if (ref.kind === 'listener') {
            const out = await this.client.send(new client_elastic_load_balancing_v2_dist_cjs/* DescribeListenersCommand */.AKE({ ListenerArns: [ref.arn] }));
            return out.Listeners?.[0]?.DefaultActions ?? [];
        }
        const out = await this.client.send(new client_elastic_load_balancing_v2_dist_cjs/* DescribeRulesCommand */.Ggo({ RuleArns: [ref.arn] }));
        return out.Rules?.[0]?.Actions ?? [];
    }
}
function forwardAction(actions, ref) {
    const forward = actions.find((a) => a.Type === 'forward');
    if (!forward)
        throw new errors/* UserError */.yo(`The ${ref.kind} ${ref.arn} has no forward action to shift traffic with`);
    return forward;
}
/** The load balancer ARN a listener or rule ARN belongs to. */
function loadBalancerArnOf(arn) {
    // arn:aws:elasticloadbalancing:r:a:listener/app/name/lbid/listenerid[/ruleid]
    const match = /^(arn:[^:]+:elasticloadbalancing:[^:]*:[^:]*:)listener(?:-rule)?\/(app|net)\/([^/]+)\/([^/]+)\//.exec(arn);
    if (!match)
        throw new errors/* UserError */.yo(`Cannot tell the load balancer of ${arn}`);
    return `${match[1]}loadbalancer/${match[2]}/${match[3]}/${match[4]}`;
}

// EXTERNAL MODULE: ./src/clock.ts
var clock = __webpack_require__(9373);
// EXTERNAL MODULE: ./node_modules/@actions/github/lib/github.js + 22 modules
var github = __webpack_require__(2413);
;// CONCATENATED MODULE: ./src/github/client.ts

/**
 * A client for the API at `baseUrl`. The base URL is passed explicitly because `@actions/github` reads
 * `GITHUB_API_URL` once, when it is first imported, and GitHub Enterprise or a test stand-in set it later.
 */
function client_githubClient({ token, baseUrl }) {
    return (0,github/* getOctokit */.Q)(token, { baseUrl: apiBaseUrl(baseUrl) });
}
/** The API root to use: the given one, else `GITHUB_API_URL`, else github.com's. */
function apiBaseUrl(baseUrl) {
    return (baseUrl || process.env.GITHUB_API_URL || 'https://api.github.com').replace(/\/+$/, '');
}
/** The HTTP status of an Octokit request error, when there is one. */
function httpStatus(error) {
    if (typeof error === 'object' && error !== null && 'status' in error) {
        const status = error.status;
        if (typeof status === 'number')
            return status;
    }
    return undefined;
}
/** "HTTP 403: Resource not accessible by integration", or the plain message for network errors. */
function describeApiError(error) {
    const status = httpStatus(error);
    const message = error instanceof Error ? error.message : String(error);
    // Octokit messages end with " - https://docs.github.com/..."; the link adds nothing in a log line.
    const short = message.replace(/\s+-\s+https:\/\/docs\.github\.com\S*$/, '');
    return status ? `HTTP ${status}: ${short}` : short;
}
/** Per-request options that stop one slow API call from stalling a deploy. */
function requestTimeout(ms = 15_000) {
    return { request: { signal: AbortSignal.timeout(ms) } };
}

;// CONCATENATED MODULE: ./src/github/review.ts


/**
 * Checks that `sha` reached the branch through a merged pull request with an approving review and no
 * outstanding request for changes. API failures are UserErrors naming the permissions the token needs.
 */
async function checkReviewed(options) {
    const { owner, repo, sha } = options;
    const short = sha.slice(0, 7);
    const branch = options.branch ?? branchOfRef(process.env.GITHUB_REF);
    const where = branch ? `reach ${branch}` : 'reach the branch';
    if (!options.octokit && !options.token) {
        throw new errors/* UserError */.yo("Input 'require-review': true needs 'github-token' (with contents: read and pull-requests: read) to find the commit's pull request");
    }
    const octokit = options.octokit ?? client_githubClient({ token: options.token, ...optionalBaseUrl(options.baseUrl) });
    // GitHub's own commit-to-pull-request association covers merge commits, squash and rebase merges, and
    // commits inside a merged pull request, so no history walking is needed here.
    const pulls = await call(`list the pull requests of commit ${short}`, () => octokit.paginate(octokit.rest.repos.listPullRequestsAssociatedWithCommit, {
        owner,
        repo,
        commit_sha: sha,
        per_page: 100,
        ...requestTimeout(),
    }));
    const mergedAnywhere = pulls.filter((pr) => pr.merged_at);
    const merged = mergedAnywhere
        .filter((pr) => !branch || pr.base.ref === branch)
        // The pull request whose merge produced this very commit is the most telling one; check it first.
        .sort((a, b) => Number(b.merge_commit_sha === sha) - Number(a.merge_commit_sha === sha));
    if (merged.length === 0) {
        const elsewhere = mergedAnywhere.map((pr) => `#${pr.number} into ${pr.base.ref}`);
        const detail = elsewhere.length
            ? `it was merged only by ${elsewhere.join(', ')}`
            : 'no merged pull request contains it';
        return {
            ok: false,
            reason: `commit ${short} did not ${where} through an approved pull request (${detail})`,
        };
    }
    const problems = [];
    for (const pr of merged) {
        const reviews = await call(`list the reviews of pull request #${pr.number}`, () => octokit.paginate(octokit.rest.pulls.listReviews, {
            owner,
            repo,
            pull_number: pr.number,
            per_page: 100,
            ...requestTimeout(),
        }));
        const verdict = reviewVerdict(reviews);
        if (verdict.approvedBy.length > 0 && verdict.changesRequestedBy.length === 0) {
            return { ok: true, pr: pr.number, approvedBy: verdict.approvedBy };
        }
        problems.push(verdict.changesRequestedBy.length > 0
            ? `#${pr.number} has changes requested by ${verdict.changesRequestedBy.join(', ')}`
            : `#${pr.number} has no approving review`);
    }
    return {
        ok: false,
        reason: `commit ${short} did not ${where} through an approved pull request (${problems.join('; ')})`,
    };
}
/**
 * Each reviewer's latest decisive review, as GitHub's merge box counts them: APPROVED and
 * CHANGES_REQUESTED replace that reviewer's earlier verdict, COMMENTED leaves it alone, and a
 * DISMISSED review withdraws it.
 */
function reviewVerdict(reviews) {
    const ordered = reviews
        .map((review, index) => ({ review, index }))
        .sort((a, b) => time(a.review) - time(b.review) || a.index - b.index);
    const latest = new Map();
    for (const { review } of ordered) {
        const login = review.user?.login;
        if (!login)
            continue;
        if (review.state === 'APPROVED' || review.state === 'CHANGES_REQUESTED')
            latest.set(login, review.state);
        else if (review.state === 'DISMISSED')
            latest.delete(login);
    }
    const by = (state) => [...latest].filter(([, s]) => s === state).map(([login]) => login);
    return { approvedBy: by('APPROVED'), changesRequestedBy: by('CHANGES_REQUESTED') };
}
function time(review) {
    // Reviews without a time (pending ones) keep the API's order.
    return review.submitted_at ? Date.parse(review.submitted_at) : 0;
}
/** `main` for `refs/heads/main`; undefined for tags, pull request refs or no ref. */
function branchOfRef(ref) {
    return ref?.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : undefined;
}
async function call(what, run) {
    try {
        return await run();
    }
    catch (error) {
        const status = httpStatus(error);
        const hint = status === 404
            ? 'the repository or commit was not found with this token'
            : 'the API refused or failed the request';
        throw new errors/* UserError */.yo(`Input 'require-review': could not ${what} (${describeApiError(error)}): ${hint}. ` +
            "The 'github-token' needs the permissions contents: read and pull-requests: read.");
    }
}
function optionalBaseUrl(baseUrl) {
    return baseUrl ? { baseUrl } : {};
}

// EXTERNAL MODULE: ./node_modules/canonicalize/lib/canonicalize.js
var canonicalize = __webpack_require__(8799);
// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
// EXTERNAL MODULE: ./node_modules/zod/v4/classic/schemas.js + 6 modules
var schemas = __webpack_require__(6921);
// EXTERNAL MODULE: ./node_modules/zod/v4/classic/iso.js
var iso = __webpack_require__(4377);
;// CONCATENATED MODULE: ./src/manifest/render.ts



/** Fields `describe-task-definition` returns that RegisterTaskDefinition does not accept. */
const READ_ONLY = [
    'taskDefinitionArn',
    'revision',
    'status',
    'requiresAttributes',
    'compatibilities',
    'registeredAt',
    'registeredBy',
    'deregisteredAt',
    'deleteRequestedAt',
];
/**
 * Reads a task definition JSON file (hand-written, or `aws ecs describe-task-definition` output as it is).
 * A relative path is read from `baseDir`; errors name the input and the path as the user wrote it.
 */
function readTaskDefinitionFile(path, input, baseDir = process.cwd()) {
    let text;
    try {
        text = (0,external_node_fs_.readFileSync)((0,external_node_path_.resolve)(baseDir, path), 'utf8');
    }
    catch (error) {
        throw (0,errors/* inputError */.Xu)(input, path, `the task definition file cannot be read (${error.message})`);
    }
    let parsed;
    try {
        parsed = JSON.parse(text);
    }
    catch (error) {
        throw (0,errors/* inputError */.Xu)(input, path, `not valid JSON (${error.message})`);
    }
    let definition = parsed;
    // describe-task-definition wraps the definition, and with `--include TAGS` puts the tags beside it.
    if (isObject(parsed) && isObject(parsed.taskDefinition)) {
        definition = { ...parsed.taskDefinition };
        const tags = parsed.tags;
        if (Array.isArray(tags) && tags.length && !definition.tags) {
            definition.tags = tags;
        }
    }
    if (!isObject(definition) || !Array.isArray(definition.containerDefinitions)) {
        throw (0,errors/* inputError */.Xu)(input, path, 'a task definition needs a "containerDefinitions" list');
    }
    if (typeof definition.family !== 'string' || !definition.family) {
        throw (0,errors/* inputError */.Xu)(input, path, 'a task definition needs a "family"');
    }
    const unnamed = definition.containerDefinitions.findIndex((c) => !isObject(c) || typeof c.name !== 'string');
    if (unnamed >= 0) {
        throw (0,errors/* inputError */.Xu)(input, path, `containerDefinitions[${unnamed}] needs a "name"`);
    }
    return definition;
}
/**
 * The task definition ready to register: read-only fields dropped and, when both are given, the image of
 * `containerName` replaced by `image`. An unknown container is an error naming the containers there are.
 */
function renderTaskDefinition(definition, containerName, image) {
    const rendered = structuredClone(definition);
    for (const field of READ_ONLY)
        delete rendered[field];
    if (containerName && image) {
        const containers = (Array.isArray(rendered.containerDefinitions) ? rendered.containerDefinitions : []);
        const container = containers.find((c) => c?.name === containerName);
        if (!container) {
            const names = containers.map((c) => c?.name).filter(Boolean);
            throw (0,errors/* inputError */.Xu)('container-name', containerName, `the task definition has no such container (its containers: ${names.join(', ') || 'none'})`);
        }
        container.image = image;
    }
    return rendered;
}
/** True when an image reference is pinned by digest (`name@sha256:<64 hex>`). */
function isPinned(image) {
    return imageDigest(image) !== undefined;
}
/** The `sha256:<hex>` digest an image reference is pinned to, if it is. */
function imageDigest(image) {
    return /@(sha256:[0-9a-f]{64})$/.exec(image)?.[1];
}
function isObject(value) {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}

;// CONCATENATED MODULE: ./src/manifest/manifest.ts







/** The manifest schema version this code writes and reads. */
const SCHEMA_VERSION = 1;
/** The file name the package action writes and a downloaded artifact folder holds. */
const MANIFEST_FILE = 'manifest.json';
/**
 * The deploy manifest: the one artifact that moves from the build to every stage and region. Strict at
 * the top level so a misspelt or foreign field is an error rather than silently ignored.
 */
const Manifest = schemas/* object */.Ikc({
    schemaVersion: schemas/* literal */.euz(SCHEMA_VERSION),
    image: schemas/* string */.YjP().min(1),
    taskDefinition: schemas/* object */.Ikc({
        family: schemas/* string */.YjP().min(1),
        containerDefinitions: schemas/* array */.YOg(schemas/* object */.Ikc({ name: schemas/* string */.YjP().min(1), image: schemas/* string */.YjP().min(1) }).loose())
            .min(1),
    })
        .loose(),
    source: schemas/* object */.Ikc({
        repository: schemas/* string */.YjP().regex(/^[\w.-]+\/[\w.-]+$/, 'expected owner/name'),
        commit: schemas/* string */.YjP().regex(/^([0-9a-f]{40}|[0-9a-f]{64})$/, 'expected a full commit SHA'),
        runId: schemas/* string */.YjP().min(1),
        runAttempt: schemas/* string */.YjP().min(1),
        ref: schemas/* string */.YjP().optional(),
    })
        .strict(),
    createdAt: iso/* datetime */.w$({ offset: true }),
    checksum: schemas/* string */.YjP().regex(/^sha256:[0-9a-f]{64}$/, 'expected sha256:<64 hex digits>'),
})
    .strict()
    .superRefine((manifest, context) => {
    // The image is recorded twice (for people, and inside the task definition): they must agree.
    if (!manifest.taskDefinition.containerDefinitions.some((c) => c.image === manifest.image)) {
        context.addIssue({
            code: 'custom',
            path: ['image'],
            message: 'no container of taskDefinition runs this image',
        });
    }
});
/**
 * RFC 8785 (JCS) canonical JSON, by the `canonicalize` package (the RFC's reference implementation):
 * keys sorted at every depth, no whitespace, ECMAScript number and string forms. Values go through
 * JSON first, so `undefined` members drop out exactly as they do when the manifest is written.
 */
function canonicalJson(value) {
    const text = (0,canonicalize/* default */.A)(JSON.parse(JSON.stringify(value ?? null)));
    if (text === undefined)
        throw new TypeError(`${typeof value} has no JSON form`);
    return text;
}
/** `sha256:<hex>` over the canonical JSON of the content (everything but `checksum`). */
function checksumOf(content) {
    const { checksum: _ignored, ...rest } = content;
    return `sha256:${(0,external_node_crypto_.createHash)('sha256').update(canonicalJson(rest)).digest('hex')}`;
}
/** A manifest with its checksum. */
function createManifest(content) {
    return { ...content, checksum: checksumOf(content) };
}
const OWN_COMMIT = "the workflow's commit (GITHUB_SHA)";
const MAY_NAME_COMMIT = ['workflow_run', 'workflow_dispatch'];
/**
 * Works out which commit a deploy accepts. By default the workflow's own (`GITHUB_SHA`). A deploy started
 * by `workflow_run` accepts the triggering run's head commit (`workflow_run.head_sha` of the event); one
 * started by `workflow_run` or `workflow_dispatch` (or run outside GitHub Actions) may name the commit
 * explicitly (the deploy input `manifest-commit`). Any other event naming another commit is an error.
 */
function expectedSource(env, event, explicitCommit) {
    const repository = env.GITHUB_REPOSITORY ?? '';
    const eventName = env.GITHUB_EVENT_NAME ?? '';
    const inActions = env.GITHUB_ACTIONS === 'true';
    const ownCommit = (env.GITHUB_SHA ?? '').toLowerCase();
    const run = eventName === 'workflow_run' ? triggeringRun(event, repository) : undefined;
    const explicit = explicitCommit?.trim().toLowerCase();
    if (explicit) {
        if (!/^([0-9a-f]{40}|[0-9a-f]{64})$/.test(explicit)) {
            throw (0,errors/* inputError */.Xu)('manifest-commit', explicitCommit, 'expected a full commit SHA (40 hex digits)');
        }
        if (explicit === ownCommit)
            return { repository, commit: ownCommit, commitFrom: OWN_COMMIT };
        if (inActions && !MAY_NAME_COMMIT.includes(eventName)) {
            throw (0,errors/* inputError */.Xu)('manifest-commit', explicitCommit, `only a deploy started by workflow_run or workflow_dispatch may deploy another commit than its own ` +
                `(this run was started by ${eventName || 'an unknown event'}, for commit ${ownCommit})`);
        }
        return { repository, commit: explicit, commitFrom: "input 'manifest-commit'" };
    }
    if (run) {
        if (!run.headSha) {
            throw new errors/* UserError */.yo("The workflow_run event has no workflow_run.head_sha to check the manifest against: name the commit with 'manifest-commit'");
        }
        return {
            repository,
            commit: run.headSha,
            commitFrom: "the triggering run's commit (workflow_run.head_sha)",
        };
    }
    if (!ownCommit) {
        throw new errors/* UserError */.yo("No commit to check the manifest against: GITHUB_SHA is not set (outside GitHub Actions, name the commit with 'manifest-commit')");
    }
    return { repository, commit: ownCommit, commitFrom: OWN_COMMIT };
}
/** The triggering run of a `workflow_run` event; a fork's run is refused (its code was never merged). */
function triggeringRun(event, repository) {
    const run = event?.workflow_run;
    const headSha = typeof run?.head_sha === 'string' ? run.head_sha.toLowerCase() : undefined;
    const headRepository = run?.head_repository?.full_name;
    if (typeof headRepository === 'string' && repository && !sameRepository(headRepository, repository)) {
        throw new errors/* UserError */.yo(`The triggering workflow run built ${headRepository}@${headSha ?? '?'}, a fork's commit, not a commit of ${repository}: ` +
            'a manifest built from a fork is never deployed');
    }
    return headSha ? { headSha } : {};
}
/**
 * Reads and verifies a manifest before any AWS call: schema, checksum, repository and commit. `path` may
 * be the file or the folder a downloaded artifact was put in. Every mismatch is a UserError naming what
 * differs. The checksum catches a changed or damaged file; it is not a signature, so where the manifest
 * comes from (an artifact of the same workflow run) matters as much.
 */
function verifyManifest(path, expected) {
    const file = manifestFile(path);
    let raw;
    try {
        raw = JSON.parse((0,external_node_fs_.readFileSync)(file, 'utf8'));
    }
    catch (error) {
        throw (0,errors/* inputError */.Xu)('manifest', path, `cannot be read as JSON (${error.message})`);
    }
    const version = raw?.schemaVersion;
    if (typeof version === 'number' && version > SCHEMA_VERSION) {
        throw (0,errors/* inputError */.Xu)('manifest', path, `it has schemaVersion ${version}, written by a newer safe-deploy package action; this deploy reads ` +
            `schemaVersion ${SCHEMA_VERSION}: use the same safe-deploy version to package and deploy`);
    }
    // Checksum before schema: a file that was edited is reported as edited, whatever the edit broke.
    const checksum = raw?.checksum;
    if (typeof checksum === 'string' && /^sha256:[0-9a-f]{64}$/.test(checksum)) {
        // Hash the file's own content, not the schema's output, so parsing can never change what is checked.
        const actual = checksumOf(raw);
        if (actual !== checksum) {
            throw new errors/* UserError */.yo(`Manifest ${path} was changed after it was written: its checksum is ${checksum} but its content hashes to ${actual}`);
        }
    }
    const parsed = Manifest.safeParse(raw);
    if (!parsed.success) {
        const problems = parsed.error.issues
            .map((issue) => `${issue.path.join('.') || '(top level)'}: ${issue.message}`)
            .join('; ');
        throw (0,errors/* inputError */.Xu)('manifest', path, `not a safe-deploy manifest: ${problems}`);
    }
    const manifest = parsed.data;
    const { source } = manifest;
    if (expected.repository && !sameRepository(source.repository, expected.repository)) {
        throw new errors/* UserError */.yo(`Manifest ${path} was built in ${source.repository}, not in this repository (${expected.repository})`);
    }
    if (source.commit !== expected.commit.toLowerCase()) {
        throw new errors/* UserError */.yo(`Manifest commit ${source.commit} does not match ${expected.commitFrom ?? OWN_COMMIT} ${expected.commit}: ` +
            `the manifest was built by run ${source.runId} (attempt ${source.runAttempt}); deploy the manifest built for this commit`);
    }
    return manifest;
}
/** Markdown lines that let a reviewer follow one artifact from the build to every region. */
function summarizeManifest(manifest) {
    const { source } = manifest;
    const digest = imageDigest(manifest.image);
    return [
        `- Image: \`${manifest.image}\``,
        `- Image digest: ${digest ? `\`${digest}\`` : '**none**: the image is a tag, which can move'}`,
        `- Manifest checksum: \`${manifest.checksum}\``,
        `- Built from \`${source.repository}\` at commit \`${source.commit}\`${source.ref ? ` (\`${source.ref}\`)` : ''}` +
            ` by run ${source.runId}, attempt ${source.runAttempt}, at ${manifest.createdAt}`,
    ];
}
/** A folder (as download-artifact leaves it) stands for the manifest file inside it. */
function manifestFile(path) {
    try {
        if ((0,external_node_fs_.statSync)(path).isDirectory())
            return (0,external_node_path_.join)(path, MANIFEST_FILE);
    }
    catch {
        // missing: reported by the read
    }
    return path;
}
// GitHub owner and repository names are case-insensitive.
function sameRepository(a, b) {
    return a.toLowerCase() === b.toLowerCase();
}

;// CONCATENATED MODULE: ./src/report/deployment-record.ts


const PERMISSION_HINT = "the 'github-token' needs the permission deployments: write";
/** Creates the deployment and marks it `in_progress`; on any problem, warns and returns a no-op record. */
async function startDeploymentRecord(options) {
    const warn = options.warn ?? lib_core/* warning */.$e;
    if (!options.token) {
        warn(`No GitHub deployment record: no 'github-token' was given (${PERMISSION_HINT}). The deploy goes on.`);
        return noRecord;
    }
    const octokit = client_githubClient({
        token: options.token,
        ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}),
    });
    const { owner, repo, environment } = options;
    let id;
    try {
        const created = await octokit.rest.repos.createDeployment({
            owner,
            repo,
            ref: options.ref,
            environment,
            description: clip(options.description),
            // The commit was chosen by the workflow; GitHub must neither merge the default branch into it nor
            // wait for status checks that the deploy job itself may be part of.
            auto_merge: false,
            required_contexts: [],
            ...requestTimeout(),
        });
        // 202 means GitHub merged the default branch instead of creating a deployment (cannot happen with
        // auto_merge false, but the response type allows it).
        if (!('id' in created.data)) {
            warn(`No GitHub deployment record: GitHub answered "${created.data.message ?? 'no deployment'}".`);
            return noRecord;
        }
        id = created.data.id;
    }
    catch (error) {
        warn(`Could not create the GitHub deployment record for ${environment} (${describeApiError(error)}): ` +
            `${hint(error)}. The deploy goes on without one.`);
        return noRecord;
    }
    const record = new ApiDeploymentRecord(octokit, owner, repo, id, options.logUrl, warn);
    await record.post('in_progress', clip(options.description));
    return record;
}
/**
 * The record of an existing deployment, for the post step that marks a cancelled run `failure` from
 * saved state. The log URL is the current run's page.
 */
function recordFromId(token, owner, repo, deploymentId, options = {}) {
    const octokit = githubClient({ token, ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}) });
    return new ApiDeploymentRecord(octokit, owner, repo, deploymentId, options.logUrl ?? runLogUrl(process.env), options.warn ?? core.warning);
}
/** The run's page: `${GITHUB_SERVER_URL}/${GITHUB_REPOSITORY}/actions/runs/${GITHUB_RUN_ID}`. */
function runLogUrl(env) {
    if (!env.GITHUB_REPOSITORY || !env.GITHUB_RUN_ID)
        return undefined;
    const server = (env.GITHUB_SERVER_URL || 'https://github.com').replace(/\/+$/, '');
    return `${server}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`;
}
/** A record that records nothing: no token, or GitHub refused to create the deployment. */
const noRecord = { id: undefined, finish: async () => { } };
class ApiDeploymentRecord {
    octokit;
    owner;
    repo;
    id;
    logUrl;
    warn;
    finished = false;
    constructor(octokit, owner, repo, id, logUrl, warn) {
        this.octokit = octokit;
        this.owner = owner;
        this.repo = repo;
        this.id = id;
        this.logUrl = logUrl;
        this.warn = warn;
    }
    async finish(success, description) {
        if (this.finished)
            return;
        this.finished = true;
        await this.post(success ? 'success' : 'failure', clip(description));
    }
    /** Posts one status; a failure is a warning, never an exception. */
    async post(state, description) {
        try {
            await this.octokit.rest.repos.createDeploymentStatus({
                owner: this.owner,
                repo: this.repo,
                deployment_id: this.id,
                state,
                description,
                ...(this.logUrl ? { log_url: this.logUrl } : {}),
                ...requestTimeout(),
            });
        }
        catch (error) {
            this.warn(`Could not mark GitHub deployment ${this.id} ${state} (${describeApiError(error)}): ${hint(error)}. ` +
                'The deploy is not affected.');
        }
    }
}
function hint(error) {
    const status = httpStatus(error);
    if (status === 403)
        return PERMISSION_HINT;
    if (status === 404)
        return `the repository or deployment was not found with this token; ${PERMISSION_HINT}`;
    if (status === 401)
        return `the token was refused; ${PERMISSION_HINT}`;
    return `GitHub did not accept the request; ${PERMISSION_HINT}`;
}
/** GitHub refuses deployment descriptions over 140 characters. */
function clip(text) {
    return text.length <= 140 ? text : `${text.slice(0, 139)}…`;
}

// EXTERNAL MODULE: ./src/duration.ts
var src_duration = __webpack_require__(7607);
;// CONCATENATED MODULE: ./src/report/chart.ts

const WIDTH = 60;
/** Columns before the plot: the percent label and the axis. */
const PREFIX = 5;
const LEVELS = [100, 90, 80, 70, 60, 50, 40, 30, 20, 10];
const MERMAID_SAMPLES = 30;
/** Alarm state changes, read from consecutive timeline entries (an alarm absent from `alarms` is OK). */
function alarmChanges(timeline, startMs) {
    const changes = [];
    let previous = {};
    for (const [index, entry] of ordered(timeline).entries()) {
        const names = new Set([...Object.keys(previous), ...Object.keys(entry.alarms)]);
        for (const alarm of [...names].sort()) {
            const from = previous[alarm] ?? 'OK';
            const to = entry.alarms[alarm] ?? 'OK';
            if (from !== to) {
                changes.push({ offsetMs: Date.parse(entry.at) - startMs, alarm, from, to, atStart: index === 0 });
            }
        }
        previous = entry.alarms;
    }
    return changes;
}
/** The marker drawn under the chart for a change: `!` into ALARM, `?` into INSUFFICIENT_DATA, `o` back to OK. */
function changeMarker(change) {
    if (change.to === 'ALARM')
        return '!';
    if (change.to === 'INSUFFICIENT_DATA')
        return '?';
    return 'o';
}
/** One line per alarm change: "! +6m12s  api-5xx OK → ALARM", or "! +0s  api-5xx already ALARM at start". */
function describeAlarmChanges(changes) {
    return changes.map((c) => {
        const what = c.atStart ? `already ${c.to} at start` : `${c.from} → ${c.to}`;
        return `${changeMarker(c)} +${(0,src_duration/* formatDuration */.a)(c.offsetMs)}  ${c.alarm} ${what}`;
    });
}
/**
 * A fixed-width area chart of green's traffic share: rows are 10% bands, columns are equal slices of
 * the deploy, and the line under the axis marks alarm changes. Hand-drawn because a chart library would
 * add a heavy dependency to the bundle for sixty columns of text.
 */
function textTrafficChart(timeline, span) {
    const entries = ordered(timeline);
    const duration = spanMs(entries, span);
    const columnAt = (i) => span.startMs + (duration * i) / (WIDTH - 1);
    const values = Array.from({ length: WIDTH }, (_, i) => windowMax(entries, i === 0 ? -Infinity : columnAt(i - 1), columnAt(i), (e) => e.traffic));
    const lines = [];
    for (const level of LEVELS) {
        const row = values.map((v) => (filled(v, level) ? '█' : ' ')).join('');
        lines.push(`${String(level).padStart(3)} ┤${row}`.trimEnd());
    }
    lines.push(`  0 └${'─'.repeat(WIDTH)}`);
    const changes = alarmChanges(entries, span.startMs);
    if (changes.length > 0) {
        const marks = Array.from({ length: WIDTH }, () => ' ');
        for (const change of changes) {
            const column = columnOf(change.offsetMs, duration);
            // Where two changes share a column, an alarm firing matters more than one clearing.
            if (marks[column] !== '!')
                marks[column] = changeMarker(change);
        }
        lines.push(`${' '.repeat(PREFIX)}${marks.join('')}`.trimEnd());
    }
    lines.push(axisLabels(duration));
    return lines.join('\n');
}
/**
 * The same chart as a Mermaid `xychart-beta`: a line for green's share and, when any alarm left OK,
 * bars at 100 for the moments a watched alarm was not OK.
 */
function mermaidTrafficChart(timeline, span) {
    const entries = ordered(timeline);
    const duration = spanMs(entries, span);
    const inSeconds = duration < 120_000;
    const at = (i) => span.startMs + (duration * i) / (MERMAID_SAMPLES - 1);
    const labels = [];
    const traffic = [];
    const alarms = [];
    for (let i = 0; i < MERMAID_SAMPLES; i++) {
        const from = i === 0 ? -Infinity : at(i - 1);
        const offset = at(i) - span.startMs;
        labels.push(inSeconds ? String(Math.round(offset / 1000)) : trimNumber(offset / 60_000));
        traffic.push(windowMax(entries, from, at(i), (e) => e.traffic));
        alarms.push(windowMax(entries, from, at(i), (e) => (Object.keys(e.alarms).length > 0 ? 100 : 0)));
    }
    const lines = [
        'xychart-beta',
        `    title "Green's share of production traffic"`,
        `    x-axis "${inSeconds ? 'seconds' : 'minutes'} since start" [${labels.map((l) => `"${l}"`).join(', ')}]`,
        '    y-axis "green %" 0 --> 100',
    ];
    if (alarms.some((a) => a > 0))
        lines.push(`    bar [${alarms.join(', ')}]`);
    lines.push(`    line [${traffic.join(', ')}]`);
    return lines.join('\n');
}
/** True when green took any production traffic, i.e. there is something to chart. */
function trafficMoved(timeline) {
    return timeline.some((e) => e.traffic > 0);
}
function ordered(timeline) {
    return [...timeline].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
}
function spanMs(entries, span) {
    const last = entries.at(-1);
    const end = Math.max(span.endMs, last ? Date.parse(last.at) : span.endMs);
    return Math.max(1, end - span.startMs);
}
/**
 * The highest value in effect during (from, to]: the value holding at `to`, and every value set inside
 * the window, so a short canary step or an alarm blip shows up even when it falls between two columns.
 */
function windowMax(entries, from, to, value) {
    let atEnd = 0;
    let max = 0;
    for (const entry of entries) {
        const t = Date.parse(entry.at);
        if (t <= to)
            atEnd = value(entry);
        if (t > from && t <= to)
            max = Math.max(max, value(entry));
    }
    return Math.max(max, atEnd);
}
function filled(value, level) {
    // Rows are 10% bands rounded to the nearest band, but any traffic at all lights the lowest one.
    return value >= level - 5 || (level === 10 && value > 0);
}
function columnOf(offsetMs, duration) {
    return Math.min(WIDTH - 1, Math.max(0, Math.round((offsetMs / duration) * (WIDTH - 1))));
}
/** Offsets under the axis at the start, quarters and end, skipping any that would overlap. */
function axisLabels(duration) {
    const line = Array.from({ length: PREFIX + WIDTH + 4 }, () => ' ');
    let free = 0;
    for (const fraction of [0, 0.25, 0.5, 0.75, 1]) {
        const label = (0,src_duration/* formatDuration */.a)(duration * fraction);
        const centre = PREFIX + columnOf(duration * fraction, duration);
        const start = Math.min(Math.max(centre - Math.floor(label.length / 2), PREFIX), line.length - label.length);
        if (start < free)
            continue;
        for (let i = 0; i < label.length; i++)
            line[start + i] = label[i];
        free = start + label.length + 1;
    }
    return line.join('').trimEnd();
}
function trimNumber(minutes) {
    return String(Math.round(minutes * 10) / 10);
}

;// CONCATENATED MODULE: ./src/report/summary.ts




/** More alarm names than this are counted rather than listed (a prefix can match hundreds). */
const LISTED_ALARMS = 20;
const HEADLINES = {
    deployed: '✅ Deployed',
    'rolled-back': '↩️ Rolled back',
    blocked: '⛔ Blocked',
    'dry-run': '🔍 Dry run',
};
/** The job summary for one run, as Markdown: result first, then what, the traffic chart, the timeline, the plan. */
function renderSummary(report) {
    const { plan } = report;
    const span = { startMs: Date.parse(report.startedAt), endMs: Date.parse(report.finishedAt) };
    const sections = [
        headline(report, span),
        deployedTable(report),
        ...(report.manifestLines?.length ? [report.manifestLines.join('\n')] : []),
        trafficSection(report.timeline, span),
        timelineTable(report.timeline, span.startMs),
        planSection(plan),
    ];
    return `${sections.join('\n\n')}\n`;
}
/** Appends the summary to `GITHUB_STEP_SUMMARY`. Outside a runner it does nothing; a write error is a warning. */
async function writeSummary(report) {
    if (!process.env.GITHUB_STEP_SUMMARY) {
        lib_core/* debug */.Yz('No GITHUB_STEP_SUMMARY: not writing a job summary');
        return;
    }
    try {
        await lib_core/* summary */.z.addRaw(renderSummary(report), true).write();
    }
    catch (error) {
        lib_core/* warning */.$e(`Could not write the job summary: ${(0,errors/* describeError */.Uc)(error)}`);
    }
}
/** The `timeline` output: a JSON list of `{at, phase, traffic, alarms}` (and `note` when there is one). */
function timelineOutput(timeline) {
    return JSON.stringify(timeline.map((e) => ({
        at: e.at,
        phase: e.phase,
        traffic: e.traffic,
        alarms: e.alarms,
        ...(e.note ? { note: e.note } : {}),
    })));
}
/** The plan as plain text for the log and dry-run: one numbered line per stage, then bake and alarms. */
function renderPlanText(plan) {
    const lines = [
        `Plan for ${serviceName(plan)} (${routingText(plan)}${plan.testListener ? ', test listener first' : ''}):`,
    ];
    let n = 0;
    if (plan.oneBox)
        lines.push(`  ${++n}. one box: 1 task, bake ${(0,src_duration/* formatDuration */.a)(plan.oneBox.bakeMs)}`);
    for (const step of plan.steps)
        lines.push(`  ${++n}. ${stepText(step.percent, step.holdMs)}`);
    lines.push(`  then bake ${bakeText(plan)}, then promote green and remove blue`);
    lines.push(`  ${alarmText(plan)}`);
    return lines.join('\n');
}
function headline(report, span) {
    const took = (0,src_duration/* formatDuration */.a)(span.endMs - span.startMs);
    const when = `${report.startedAt.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC')}, took ${took}`;
    const reason = report.reason
        .split('\n')
        .map((line) => `> ${escapeHtml(line)}`)
        .join('\n');
    const outcome = rollbackOutcome(report.timeline, span.startMs);
    return [
        `## ${HEADLINES[report.result]} \`${serviceName(report.plan)}\``,
        reason,
        ...(report.result === 'rolled-back' && outcome ? [outcome] : []),
        `<sub>${when}</sub>`,
    ].join('\n\n');
}
/** "Green reached 10% at most; all traffic was back on blue at +4m23s." for a rolled-back run. */
function rollbackOutcome(timeline, startMs) {
    const peak = Math.max(0, ...timeline.map((e) => e.traffic));
    if (peak === 0)
        return 'Green never took production traffic.';
    const peakAt = timeline.findIndex((e) => e.traffic === peak);
    const back = timeline.slice(peakAt).find((e) => e.traffic === 0);
    if (!back)
        return undefined;
    const at = (0,src_duration/* formatDuration */.a)(Date.parse(back.at) - startMs);
    return `Green reached ${peak}% at most; all traffic was back on blue at **+${at}**.`;
}
function deployedTable(report) {
    const rows = [
        ['Cluster / service', `${report.plan.cluster} / ${report.plan.service}`],
        ['Image', report.image],
        ['Task definition', report.taskDefinitionArn],
        [
            report.result === 'deployed' ? 'Green task set (now primary)' : 'Green task set (new)',
            report.taskSetArn,
        ],
        [
            report.result === 'deployed' ? 'Blue task set (removed)' : 'Blue task set (previous)',
            report.previousTaskSetArn,
        ],
    ];
    const body = rows.filter(([, v]) => v).map(([k, v]) => `| ${k} | ${code(v)} |`);
    return ['| What | |', '|---|---|', ...body].join('\n');
}
function trafficSection(timeline, span) {
    const changes = describeAlarmChanges(alarmChanges(timeline, span.startMs));
    const changeList = changes.length
        ? `\n\nAlarm changes (\`!\` entered ALARM, \`?\` INSUFFICIENT_DATA, \`o\` back to OK):\n\n${changes
            .map((c) => `- \`${c}\``)
            .join('\n')}`
        : '';
    if (!trafficMoved(timeline)) {
        return `### Green's traffic share\n\nGreen took no production traffic.${changeList}`;
    }
    return [
        "### Green's traffic share",
        '',
        '```text',
        textTrafficChart(timeline, span),
        '```' + changeList,
        '',
        '<details><summary>The same chart in Mermaid (line: green %, bars: a watched alarm not OK)</summary>',
        '',
        '```mermaid',
        mermaidTrafficChart(timeline, span),
        '```',
        '',
        '</details>',
    ].join('\n');
}
function timelineTable(timeline, startMs) {
    const rows = timeline.map((e) => {
        const offset = `+${(0,src_duration/* formatDuration */.a)(Date.parse(e.at) - startMs)}`;
        const alarms = Object.entries(e.alarms)
            .map(([name, state]) => `${code(name)} ${state === 'ALARM' ? '**ALARM**' : state}`)
            .join(', ');
        return `| ${offset} | ${e.phase} | ${e.traffic}% | ${alarms} | ${cell(e.note ?? '')} |`;
    });
    return [
        '### Timeline',
        '',
        '| Time | Phase | Green | Alarms not OK | Note |',
        '|---|---|--:|---|---|',
        ...rows,
    ].join('\n');
}
function planSection(plan) {
    const rows = [];
    let n = 0;
    if (plan.oneBox)
        rows.push(`| ${++n} | one box (1 task) | bake ${(0,src_duration/* formatDuration */.a)(plan.oneBox.bakeMs)} |`);
    for (const step of plan.steps) {
        rows.push(`| ${++n} | ${step.percent}% | ${step.holdMs ? (0,src_duration/* formatDuration */.a)(step.holdMs) : '—'} |`);
    }
    const details = [
        `- Routing: ${routingText(plan)}${plan.testListener ? '; test listener gets green first' : ''}`,
        `- Steps: ${code(plan.stepsText)}`,
        `- Bake at 100%: ${bakeText(plan)}, then promote green and remove blue`,
        `- ${alarmMarkdown('Watched alarms', plan.alarms)} (read every ${(0,src_duration/* formatDuration */.a)(plan.pollIntervalMs)})`,
        ...(plan.oneBox?.alarms.length ? [`- ${alarmMarkdown('One-box alarms', plan.oneBox.alarms)}`] : []),
    ];
    return ['### Plan', '', '| Step | Green traffic | Hold |', '|--:|--:|---|', ...rows, '', ...details].join('\n');
}
function stepText(percent, holdMs) {
    return holdMs ? `${percent}% for ${(0,src_duration/* formatDuration */.a)(holdMs)}` : `${percent}%`;
}
function bakeText(plan) {
    const requests = plan.minRequests ? ` and until green served ${plan.minRequests} requests` : '';
    return `${(0,src_duration/* formatDuration */.a)(plan.bakeMs)}${requests}`;
}
function alarmText(plan) {
    const every = `every ${(0,src_duration/* formatDuration */.a)(plan.pollIntervalMs)}`;
    const oneBox = plan.oneBox?.alarms.length ? `; during one box also ${listNames(plan.oneBox.alarms)}` : '';
    if (plan.alarms.length === 0)
        return `watching no alarms: nothing will roll back automatically on errors${oneBox}`;
    return `watching ${plan.alarms.length} alarm${plan.alarms.length === 1 ? '' : 's'} ${every}: ${listNames(plan.alarms)}${oneBox}`;
}
function alarmMarkdown(label, names) {
    if (names.length === 0)
        return `${label}: none (nothing rolls back automatically on errors)`;
    const shown = names.slice(0, LISTED_ALARMS).map(code);
    const more = names.length > LISTED_ALARMS ? ` and ${names.length - LISTED_ALARMS} more` : '';
    return `${label} (${names.length}): ${shown.join(', ')}${more}`;
}
function listNames(names) {
    const more = names.length > LISTED_ALARMS ? ` and ${names.length - LISTED_ALARMS} more` : '';
    return `${names.slice(0, LISTED_ALARMS).join(', ')}${more}`;
}
function routingText(plan) {
    return plan.routing === 'listener' ? 'listener routing' : 'task-sets routing';
}
/** `cluster/service` with ARNs shortened to their names. */
function serviceName(plan) {
    return `${lastSegment(plan.cluster)}/${lastSegment(plan.service)}`;
}
function lastSegment(nameOrArn) {
    return nameOrArn.startsWith('arn:') ? (nameOrArn.split('/').at(-1) ?? nameOrArn) : nameOrArn;
}
/** A code span safe inside a table cell (entities are not decoded in code, so only pipes are escaped). */
function code(text) {
    return `\`${text
        .replace(/\s*\n\s*/g, ' ')
        .replace(/`/g, "'")
        .replace(/\|/g, '\\|')}\``;
}
/** Text safe inside a Markdown table cell: no line breaks, escaped pipes and HTML. */
function cell(text) {
    return escapeHtml(text.replace(/\s*\n\s*/g, ' ')).replace(/\|/g, '\\|');
}
function escapeHtml(text) {
    return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

;// CONCATENATED MODULE: ./src/aws/transient.ts

// Error codes AWS documents as throttling or transient across ECS, ELBv2 and CloudWatch.
const TRANSIENT = new Set([
    'Throttling',
    'ThrottlingException',
    'ThrottledException',
    'RequestLimitExceeded',
    'RequestThrottled',
    'RequestThrottledException',
    'TooManyRequestsException',
    'ProvisionedThroughputExceededException',
    'ServiceUnavailable',
    'ServiceUnavailableException',
    'InternalFailure',
    'InternalError',
    'ServerException',
    'RequestTimeout',
    'RequestTimeoutException',
    'TimeoutError',
    'ECONNRESET',
    'ECONNREFUSED',
    'EPIPE',
    'ETIMEDOUT',
]);
/**
 * True when an error (after the SDK's own retries) is throttling or a passing fault: such an error must
 * never by itself fail or roll back a deploy; the next poll tries again.
 */
function isTransient(error) {
    if (!(error instanceof Error))
        return false;
    const meta = error;
    if (TRANSIENT.has(errorName(error)) || (meta.code && TRANSIENT.has(meta.code)))
        return true;
    if (meta.$retryable)
        return true;
    const status = meta.$metadata?.httpStatusCode;
    return status === 429 || (status !== undefined && status >= 500);
}

// EXTERNAL MODULE: ./src/deploy/alarm-watch.ts
var alarm_watch = __webpack_require__(4836);
;// CONCATENATED MODULE: ./src/deploy/rollback.ts

const ATTEMPTS = 6;
const BLUE_STEADY_TIMEOUT_MS = 5 * 60_000;
/**
 * Puts production and test traffic back on blue, scales blue back to 100%, deletes green, then re-reads
 * AWS and reports success only when AWS shows it. Idempotent: the post step may run it again.
 * Each call is retried beyond the SDK's own retries, because a rollback must not give up early.
 */
async function rollBack(target, deps) {
    const { ecs, lb } = deps;
    const { cluster, service } = target;
    const greenArn = target.greenArn ?? (await findGreenByTags(target, deps));
    if (target.routing === 'listener' &&
        target.production &&
        target.blueTargetGroup &&
        target.greenTargetGroup) {
        const weights = { [target.blueTargetGroup]: 100, [target.greenTargetGroup]: 0 };
        await retry('move production traffic to blue', deps, () => lb.setWeights(target.production, weights));
        deps.onTrafficRestored?.();
        if (target.testListenerArn) {
            await retry('move test traffic to blue', deps, () => lb.setWeights({ kind: 'listener', arn: target.testListenerArn }, weights));
        }
        await retry('scale blue to 100%', deps, () => ecs.scaleTaskSet(cluster, service, target.blueArn, 100));
    }
    else {
        // Both task sets sit behind one target group: blue takes the traffic back as its tasks return and
        // green's drain, so blue scales up before green goes.
        await retry('scale blue to 100%', deps, () => ecs.scaleTaskSet(cluster, service, target.blueArn, 100));
        if (greenArn)
            await retry('scale green to 0%', deps, () => ecs.scaleTaskSet(cluster, service, greenArn, 0));
        deps.onTrafficRestored?.();
    }
    if (greenArn)
        await retry('delete green', deps, () => ecs.deleteTaskSet(cluster, service, greenArn));
    const problems = await verify(target, greenArn, deps);
    return { verified: problems.length === 0, problems, greenArn };
}
async function verify(target, greenArn, deps) {
    const { ecs, lb, clock } = deps;
    const problems = [];
    if (target.routing === 'listener' && target.production && target.blueTargetGroup) {
        const refs = [target.production];
        if (target.testListenerArn)
            refs.push({ kind: 'listener', arn: target.testListenerArn });
        for (const ref of refs) {
            const weights = await retry(`read ${ref.kind} weights`, deps, () => lb.readWeights(ref));
            const total = Object.values(weights).reduce((a, b) => a + b, 0);
            if (total === 0 || weights[target.blueTargetGroup] !== total) {
                problems.push(`${ref.kind} ${ref.arn} still sends traffic elsewhere than blue: ${JSON.stringify(weights)}`);
            }
        }
    }
    // Blue back at 100% and steady, green gone (DRAINING counts as gone: ECS is removing it).
    const deadline = clock.now() + BLUE_STEADY_TIMEOUT_MS;
    for (;;) {
        const service = await retry('read the service', deps, () => ecs.describeService(target.cluster, target.service));
        const blue = service?.taskSets.find((t) => t.arn === target.blueArn);
        const green = greenArn
            ? service?.taskSets.find((t) => t.arn === greenArn && t.status !== 'DRAINING')
            : undefined;
        const steady = blue?.stabilityStatus === 'STEADY_STATE' &&
            (blue.runningCount === undefined ||
                blue.computedDesiredCount === undefined ||
                blue.runningCount >= blue.computedDesiredCount);
        if (blue && blue.scalePercent === 100 && steady && !green)
            break;
        if (clock.now() >= deadline) {
            if (!blue)
                problems.push(`blue task set ${target.blueArn} is gone`);
            else if (blue.scalePercent !== 100)
                problems.push(`blue is at ${blue.scalePercent}%, not 100%`);
            else if (!steady)
                problems.push('blue did not reach a steady state');
            if (green)
                problems.push(`green task set ${green.arn} still exists`);
            break;
        }
        await clock.sleep(2000);
    }
    return problems;
}
async function findGreenByTags(target, deps) {
    const service = await retry('read the service', deps, () => deps.ecs.describeService(target.cluster, target.service));
    const entries = Object.entries(target.runTags);
    const green = service?.taskSets.find((t) => t.arn !== target.blueArn && t.status !== 'DRAINING' && entries.every(([k, v]) => t.tags[k] === v));
    return green?.arn;
}
async function retry(what, deps, call) {
    for (let attempt = 1;; attempt++) {
        try {
            return await call();
        }
        catch (error) {
            if (attempt >= ATTEMPTS)
                throw new Error(`Rollback could not ${what}: ${(0,errors/* describeError */.Uc)(error)}`, { cause: error });
            deps.warn(`Rollback: ${what} failed (${(0,errors/* describeError */.Uc)(error)}); trying again`);
            await deps.clock.sleep(Math.min(16_000, 500 * 2 ** attempt));
        }
    }
}

;// CONCATENATED MODULE: ./src/deploy/engine.ts







const TAG = {
    repository: 'safe-deploy:repository',
    commit: 'safe-deploy:commit',
    runId: 'safe-deploy:run-id',
    runAttempt: 'safe-deploy:run-attempt',
    heartbeat: 'safe-deploy:heartbeat',
};
/** A task set left by a run whose heartbeat is older than this is abandoned and may be removed. */
const STALE_AFTER_MS = 5 * 60_000;
const HEARTBEAT_EVERY_MS = 60_000;
const REQUEST_COUNT_EVERY_MS = 30_000;
const PROGRESS_EVERY_MS = 60_000;
const MINUTE = 60_000;
/** Ends the deploy before any change: the result is `blocked`. */
class Blocked extends Error {
}
/** Ends the deploy after changes began: the result is `rolled-back`. */
class Stop extends Error {
}
/**
 * Another run created its green first: this run removes only its own task set and ends `blocked`,
 * leaving traffic and blue to the earlier run.
 */
class YieldToEarlierRun extends Error {
    earlierArn;
    constructor(earlierArn) {
        super(`another run started deploying this service at the same time (task set ${earlierArn}); this run backed off`);
        this.earlierArn = earlierArn;
    }
}
/**
 * The deploy lifecycle as one state machine:
 * validate → prepare → stabilise → test traffic → before-traffic → one box → shift → after-traffic → bake
 * → promote, or roll back from any point after prepare. It decides; the ports do the I/O.
 */
class DeployEngine {
    settings;
    release;
    deps;
    timeline = [];
    watch;
    startedAt;
    deadline;
    phase = 'validate';
    traffic = 0;
    watched = [];
    oneBoxOnly = [];
    blockers = [];
    service;
    blue;
    green;
    blueTg;
    greenTg;
    initialWeights = {};
    taskDefinitionArn;
    registration;
    stale = [];
    lastHeartbeat = 0;
    lastAlarmRead = 0;
    trafficStartedAt;
    deploymentId;
    constructor(settings, release, deps) {
        this.settings = settings;
        this.release = release;
        this.deps = deps;
        this.watch = new alarm_watch/* AlarmWatch */.Z(deps.cloudwatch, settings.insufficientData === 'rollback');
        this.startedAt = deps.clock.now();
        this.deadline = this.startedAt + settings.timeoutMs;
    }
    /** The plan the settings describe (alarms as resolved once validation ran). */
    get plan() {
        const s = this.settings;
        return {
            cluster: s.cluster,
            service: s.service,
            routing: s.routing,
            stepsText: s.stepsText,
            steps: s.steps,
            oneBox: s.oneBox ? { bakeMs: s.oneBoxBakeMs, alarms: this.oneBoxOnly } : undefined,
            bakeMs: s.bakeMs,
            minRequests: s.minRequests,
            pollIntervalMs: s.pollIntervalMs,
            alarms: this.watched,
            testListener: Boolean(s.testListenerArn),
        };
    }
    /** Records the GitHub deployment record's id in the saved state, for the post step. */
    setDeploymentId(id) {
        this.deploymentId = id;
    }
    /** Runs the deploy to its end. Throws only for errors the user must fix before anything changed. */
    async run() {
        const { log } = this.deps;
        try {
            await log.group('Validate', () => this.validate());
        }
        catch (error) {
            if (error instanceof Blocked)
                return this.finish('blocked', error.message);
            throw error;
        }
        if (this.settings.dryRun) {
            return this.finish('dry-run', 'dry run: validated the inputs and read the current state; nothing changed');
        }
        try {
            await log.group('Prepare', () => this.prepare());
            await log.group('Stabilise green', () => this.stabilise());
            if (this.settings.testListenerArn)
                await log.group('Test traffic', () => this.testTraffic());
            if (this.settings.beforeTraffic) {
                await log.group('before-traffic hook', () => this.hook('before-traffic', this.settings.beforeTraffic));
            }
            if (this.settings.oneBox)
                await log.group('One box', () => this.oneBox());
            await log.group('Shift traffic', () => this.shift());
            if (this.settings.afterTraffic) {
                await log.group('after-traffic hook', () => this.hook('after-traffic', this.settings.afterTraffic));
            }
            await log.group('Bake', () => this.bake());
            await log.group('Promote', () => this.promote());
            return this.finish('deployed', `${this.green.arn} is PRIMARY and takes all traffic`);
        }
        catch (error) {
            if (error instanceof YieldToEarlierRun)
                return this.backOff(error);
            const reason = error instanceof Stop || error instanceof errors/* UserError */.yo
                ? error.message
                : `AWS error: ${(0,errors/* describeError */.Uc)(error)}`;
            return log.group('Roll back', () => this.rollBack(reason));
        }
    }
    // ── validate: read only, nothing changes ────────────────────────────────────────────────────────────
    async validate() {
        const s = this.settings;
        const { cloudwatch, log } = this.deps;
        const watched = await (0,alarm_watch/* resolveAlarms */.F)(cloudwatch, s.alarms, s.alarmPrefixes, 'alarms');
        this.watched = watched.map((a) => a.name);
        const oneBox = s.oneBox ? await (0,alarm_watch/* resolveAlarms */.F)(cloudwatch, s.oneBoxAlarms, [], 'one-box-alarms') : [];
        this.oneBoxOnly = oneBox.map((a) => a.name).filter((n) => !this.watched.includes(n));
        const blockers = await (0,alarm_watch/* resolveAlarms */.F)(cloudwatch, s.blockerAlarms, [], 'blocker-alarms');
        this.blockers = blockers.map((a) => a.name);
        log.info(`Watching ${this.watched.length} alarm(s)${this.watched.length ? `: ${preview(this.watched)}` : ''}` +
            (this.oneBoxOnly.length ? `; during one box also ${preview(this.oneBoxOnly)}` : ''));
        if (this.watched.length === 0) {
            log.warn('No alarms are watched: a bad version is only rolled back by a failing hook or a timeout');
        }
        const service = await this.deps.ecs.describeService(s.cluster, s.service);
        if (!service)
            throw new errors/* UserError */.yo(`Service '${s.service}' was not found in cluster '${s.cluster}'`);
        if (service.controller !== 'EXTERNAL') {
            throw new errors/* UserError */.yo(`Service '${service.name}' uses the ${service.controller} deployment controller; safe-deploy needs EXTERNAL ` +
                '(task sets) so it can run two versions side by side');
        }
        const primaries = service.taskSets.filter((t) => t.status === 'PRIMARY');
        if (primaries.length !== 1) {
            throw new errors/* UserError */.yo(`Service '${service.name}' has ${primaries.length} PRIMARY task sets; it needs exactly one (the running version)`);
        }
        this.service = service;
        this.blue = primaries[0];
        log.info(`Blue: ${this.blue.arn} (${this.blue.taskDefinition}), desired count ${service.desiredCount}`);
        await this.resolveTargetGroups();
        // The state at the start: an alarm already firing blocks the deploy, it does not roll it back.
        for (const alarm of uniqueByName([...blockers, ...watched, ...oneBox]))
            this.blockIfFiring(alarm);
        this.checkLeftovers(service);
        if (s.requireReview) {
            const review = await this.deps.checkReview?.();
            if (review && !review.ok)
                throw new Blocked(review.reason);
            if (review?.ok)
                log.info(`Commit ${this.deps.identity.commit.slice(0, 7)} reached the branch through an approved pull request`);
        }
        this.taskDefinitionArn = await this.checkTaskDefinition();
        log.info(renderPlanText(this.plan));
    }
    blockIfFiring(alarm) {
        const isBlocker = this.blockers.includes(alarm.name);
        const insufficientBreach = !isBlocker && alarm.state === 'INSUFFICIENT_DATA' && this.settings.insufficientData === 'rollback';
        if (alarm.state === 'ALARM' || insufficientBreach) {
            const role = isBlocker ? 'blocker alarm' : 'watched alarm';
            throw new Blocked(`${role} ${alarm.name} is already in ${alarm.state}${alarm.reason ? ` (${alarm.reason})` : ''}; ` +
                'not starting a deploy while it fires');
        }
    }
    async resolveTargetGroups() {
        const s = this.settings;
        if (s.routing !== 'listener')
            return;
        const weights = await this.deps.lb.readWeights(s.production);
        this.initialWeights = weights;
        const groups = Object.keys(weights);
        const blueTg = this.blue.targetGroupArns[0];
        if (groups.length !== 2 || !blueTg || !groups.includes(blueTg)) {
            throw new errors/* UserError */.yo(`The ${s.production.kind} ${s.production.arn} must forward to two target groups, one of them blue's ` +
                `(${blueTg ?? 'blue has no load balancer'}); it forwards to ${groups.join(', ') || 'none'}`);
        }
        this.blueTg = blueTg;
        this.greenTg = groups.find((g) => g !== blueTg);
        if (s.testListenerArn) {
            const test = Object.keys(await this.deps.lb.readWeights({ kind: 'listener', arn: s.testListenerArn }));
            if (!test.includes(this.blueTg) || !test.includes(this.greenTg)) {
                throw new errors/* UserError */.yo(`The test listener ${s.testListenerArn} must forward to the same two target groups as production`);
            }
        }
        this.deps.log.info(`Target groups: blue ${this.blueTg}, green ${this.greenTg}`);
    }
    /** Task sets other than blue: abandoned ones are removed later; a live run or a stranger blocks. */
    checkLeftovers(service) {
        const now = this.deps.clock.now();
        for (const other of service.taskSets.filter((t) => t.arn !== this.blue.arn && t.status !== 'DRAINING')) {
            const runId = other.tags[TAG.runId];
            if (!runId) {
                throw new Blocked(`Task set ${other.arn} was not created by safe-deploy; another deployment may be in progress. ` +
                    'Remove it or wait for it to finish');
            }
            const beat = Date.parse(other.tags[TAG.heartbeat] ?? '') || other.createdAt?.getTime() || 0;
            if (now - beat < STALE_AFTER_MS) {
                throw new Blocked(`Run ${runId} (attempt ${other.tags[TAG.runAttempt] ?? '?'}) of ${other.tags[TAG.repository] ?? 'another repository'} ` +
                    `is deploying this service (task set ${other.arn}, last seen ${(0,src_duration/* formatDuration */.a)(now - beat)} ago)`);
            }
            this.stale.push(other);
        }
    }
    async checkTaskDefinition() {
        const { existing, revise } = this.release;
        if (!existing)
            return undefined;
        const found = await this.deps.ecs.describeTaskDefinition(existing);
        if (!found?.taskDefinitionArn) {
            throw new errors/* UserError */.yo(`Input 'task-definition': ${JSON.stringify(existing)} does not exist in ECS`);
        }
        if (revise) {
            // A new revision of the existing definition, registered in prepare.
            this.registration = revise(found);
            return undefined;
        }
        return found.taskDefinitionArn;
    }
    // ── prepare: the first changes ──────────────────────────────────────────────────────────────────────
    async prepare() {
        const s = this.settings;
        const { ecs, lb, log } = this.deps;
        this.enter('prepare');
        const split = s.routing === 'listener' && (this.initialWeights[this.greenTg] ?? 0) > 0;
        if (split)
            log.warn(`The listener sent traffic to ${this.greenTg} before this deploy: moving it all to blue first`);
        if (this.stale.length || split) {
            if (s.routing === 'listener')
                await lb.setWeights(s.production, this.weights(0));
            if (s.testListenerArn)
                await lb.setWeights({ kind: 'listener', arn: s.testListenerArn }, this.weights(0));
            if (this.blue.scalePercent !== 100)
                await ecs.scaleTaskSet(s.cluster, s.service, this.blue.arn, 100);
            for (const left of this.stale) {
                await ecs.deleteTaskSet(s.cluster, s.service, left.arn);
                log.warn(`Removed task set ${left.arn} left by run ${left.tags[TAG.runId]} (attempt ${left.tags[TAG.runAttempt]})`);
            }
        }
        const registration = this.release.register ?? this.registration;
        if (registration) {
            this.taskDefinitionArn = await ecs.registerTaskDefinition(registration);
            log.info(`Registered ${this.taskDefinitionArn}`);
        }
        this.save(false);
        const scale = s.routing === 'listener' ? (s.oneBox ? this.oneBoxScale() : 100) : 0;
        this.green = await ecs.createTaskSet(s.cluster, s.service, {
            taskDefinition: this.taskDefinitionArn,
            template: this.blue,
            targetGroupArn: s.routing === 'listener' ? this.greenTg : undefined,
            scalePercent: scale,
            tags: { ...this.runTags(), [TAG.heartbeat]: new Date(this.deps.clock.now()).toISOString() },
        });
        this.lastHeartbeat = this.deps.clock.now();
        this.save(false);
        this.mark('green created');
        log.info(`Green: ${this.green.arn} at ${scale}%`);
        await this.yieldToEarlierRun();
    }
    /** Two runs that started together: the later task set backs off, so two runs never shift one service. */
    async yieldToEarlierRun() {
        const { ecs } = this.deps;
        const service = await ecs.describeService(this.settings.cluster, this.settings.service);
        const mine = this.green;
        const earlier = service?.taskSets.find((t) => t.arn !== mine.arn &&
            t.arn !== this.blue.arn &&
            t.status !== 'DRAINING' &&
            ((t.createdAt?.getTime() ?? 0) < (mine.createdAt?.getTime() ?? 0) ||
                (t.createdAt?.getTime() === mine.createdAt?.getTime() && t.arn < mine.arn)));
        if (earlier)
            throw new YieldToEarlierRun(earlier.arn);
    }
    // ── stabilise, test traffic, hooks ──────────────────────────────────────────────────────────────────
    async stabilise() {
        this.enter('stabilize');
        await this.waitSteady(this.green.arn, 'green');
        this.mark('green steady');
    }
    async testTraffic() {
        this.enter('test-traffic');
        await this.deps.lb.setWeights({ kind: 'listener', arn: this.settings.testListenerArn }, this.weights(100));
        this.mark('test listener 100% green');
    }
    async hook(name, command) {
        this.enter(name);
        const env = {
            SAFE_DEPLOY_CLUSTER: this.settings.cluster,
            SAFE_DEPLOY_SERVICE: this.settings.service,
            SAFE_DEPLOY_TASK_SET_ARN: this.green.arn,
            SAFE_DEPLOY_TASK_DEFINITION_ARN: this.taskDefinitionArn ?? '',
            SAFE_DEPLOY_GREEN_TARGET_GROUP_ARN: this.greenTg ?? '',
            SAFE_DEPLOY_TRAFFIC: String(this.traffic),
        };
        let code;
        const done = this.deps.runHook(name, command, env).then((exit) => (code = exit), (error) => {
            this.deps.log.warn(`${name} hook could not run: ${(0,errors/* describeError */.Uc)(error)}`);
            code = -1;
        });
        // Alarms are watched while the hook runs, and the overall timeout applies to it.
        await this.hold(this.deps.clock.now(), {
            label: `${name} hook`,
            done: () => code !== undefined,
            wake: done,
        });
        if (code !== 0)
            throw new Stop(`${name} hook failed with exit code ${code}: ${command}`);
        this.mark(`${name} passed`);
    }
    // ── one box, shift, bake ────────────────────────────────────────────────────────────────────────────
    oneBoxScale() {
        // One task: ECS rounds a percent scale up to whole tasks, so 100/desiredCount gives exactly one.
        return Math.min(100, 100 / Math.max(1, this.service.desiredCount));
    }
    async oneBox() {
        const s = this.settings;
        this.enter('one-box');
        const share = Math.max(1, Math.round(100 / (Math.max(1, this.service.desiredCount) + 1)));
        if (s.routing === 'listener') {
            await this.setTraffic(share);
        }
        else {
            await this.deps.ecs.scaleTaskSet(s.cluster, s.service, this.green.arn, this.oneBoxScale());
            await this.waitSteady(this.green.arn, 'green (one box)');
            this.traffic = share;
            this.trafficStartedAt ??= this.deps.clock.now();
            this.mark(`one box: 1 task, ~${share}% of traffic`);
        }
        await this.hold(this.deps.clock.now() + s.oneBoxBakeMs, {
            label: 'one-box bake',
            alarms: [...this.watched, ...this.oneBoxOnly],
        });
        if (s.routing === 'listener') {
            await this.deps.ecs.scaleTaskSet(s.cluster, s.service, this.green.arn, 100);
            await this.waitSteady(this.green.arn, 'green (full size)');
            this.mark('green scaled to 100%');
        }
    }
    async shift() {
        this.enter('shift');
        for (const [index, step] of this.settings.steps.entries()) {
            if (step.percent <= this.traffic && step.percent !== 100)
                continue;
            await this.setTraffic(step.percent);
            if (step.holdMs > 0) {
                await this.hold(this.deps.clock.now() + step.holdMs, {
                    label: `step ${index + 1}/${this.settings.steps.length}: ${step.percent}%`,
                });
            }
        }
    }
    async bake() {
        const s = this.settings;
        this.enter('bake');
        const until = this.deps.clock.now() + s.bakeMs;
        let requests = 0;
        let lastCount = -Infinity;
        const lbArn = s.minRequests > 0 ? loadBalancerArnOf(s.production.arn) : undefined;
        await this.hold(until, {
            label: 'bake',
            progressNote: () => (s.minRequests > 0 ? `, ${requests}/${s.minRequests} requests` : ''),
            done: async () => {
                if (s.minRequests === 0)
                    return true;
                const now = this.deps.clock.now();
                if (requests < s.minRequests && now - lastCount >= REQUEST_COUNT_EVERY_MS) {
                    lastCount = now;
                    try {
                        // Whole minutes (the metric's period) around green's traffic: CloudWatch wants StartTime < EndTime.
                        const from = Math.floor((this.trafficStartedAt ?? this.startedAt) / MINUTE) * MINUTE;
                        const to = Math.ceil((now + 1) / MINUTE) * MINUTE;
                        requests = await this.deps.cloudwatch.requestCount(lbArn, this.greenTg, new Date(from), new Date(to));
                    }
                    catch (error) {
                        if (!isTransient(error))
                            throw error;
                        this.deps.log.warn(`Could not read green's request count (${(0,errors/* describeError */.Uc)(error)}); trying again`);
                    }
                }
                return requests >= s.minRequests;
            },
        });
        this.mark(s.minRequests > 0
            ? `baked ${(0,src_duration/* formatDuration */.a)(s.bakeMs)}, ${requests} requests`
            : `baked ${(0,src_duration/* formatDuration */.a)(s.bakeMs)}`);
    }
    async promote() {
        const s = this.settings;
        const { ecs, log } = this.deps;
        this.enter('promote');
        await ecs.makePrimary(s.cluster, s.service, this.green.arn);
        // From here green is the running version: a failure to remove blue is reported, never rolled back.
        try {
            await ecs.deleteTaskSet(s.cluster, s.service, this.blue.arn);
        }
        catch (error) {
            log.warn(`Green is PRIMARY but blue ${this.blue.arn} could not be deleted: ${(0,errors/* describeError */.Uc)(error)}`);
        }
        const after = await ecs.describeService(s.cluster, s.service);
        const primary = after?.taskSets.find((t) => t.status === 'PRIMARY');
        if (primary?.arn !== this.green.arn) {
            throw new Stop(`ECS does not show green as PRIMARY after promotion (PRIMARY is ${primary?.arn ?? 'none'})`);
        }
        this.mark('green is PRIMARY, blue removed');
        this.enter('finished');
        this.save(true);
        log.info(`Promoted ${this.green.arn}; removed blue ${this.blue.arn}`);
    }
    // ── traffic ─────────────────────────────────────────────────────────────────────────────────────────
    weights(green) {
        return { [this.blueTg]: 100 - green, [this.greenTg]: green };
    }
    /** Moves green's share of production traffic to `percent`. */
    async setTraffic(percent) {
        const s = this.settings;
        const { ecs, lb } = this.deps;
        if (s.routing === 'listener') {
            await lb.setWeights(s.production, this.weights(percent));
        }
        else {
            // Capacity never drops below 100%: green grows and steadies before blue shrinks.
            await ecs.scaleTaskSet(s.cluster, s.service, this.green.arn, percent);
            await this.waitSteady(this.green.arn, `green at ${percent}%`);
            await ecs.scaleTaskSet(s.cluster, s.service, this.blue.arn, 100 - percent);
        }
        this.traffic = percent;
        this.trafficStartedAt ??= this.deps.clock.now();
        this.mark(`traffic ${percent}%`);
        this.deps.log.info(`Green takes ${percent}% of production traffic`);
    }
    /** Waits for a task set to be steady (and, behind its own target group, healthy) within stabilize-timeout. */
    async waitSteady(arn, what) {
        const s = this.settings;
        const { ecs, lb, clock } = this.deps;
        const limit = clock.now() + s.stabilizeTimeoutMs;
        let last = 'not read yet';
        await this.hold(clock.now(), {
            label: `waiting for ${what} to be steady`,
            progressNote: () => ` (${last})`,
            done: async () => {
                const set = await ecs.describeTaskSet(s.cluster, s.service, arn);
                if (!set)
                    throw new Stop(`${what} task set ${arn} disappeared`);
                const want = set.computedDesiredCount;
                const running = set.runningCount;
                last = `${set.stabilityStatus}, ${running ?? '?'}/${want ?? '?'} running`;
                let ready = set.stabilityStatus === 'STEADY_STATE' &&
                    (running === undefined || want === undefined || running >= want);
                if (ready && s.routing === 'listener' && arn === this.green?.arn && want) {
                    const health = await lb.targetHealth(this.greenTg);
                    last += `, ${health.healthy}/${want} healthy`;
                    ready = health.healthy >= want;
                }
                if (!ready && clock.now() >= limit) {
                    throw new Stop(`${what} did not reach a steady state within ${(0,src_duration/* formatDuration */.a)(s.stabilizeTimeoutMs)} (${last})`);
                }
                return ready;
            },
        });
    }
    // ── the one wait loop: alarms, timeout, cancellation, heartbeat ─────────────────────────────────────
    /**
     * Waits until `until` has passed and `done` (if given) is true, polling alarms once per poll interval.
     * A breach, the overall timeout or cancellation ends the wait with a Stop. A wait never ends on a
     * stale alarm read: the last successful read must be at or after its end.
     */
    async hold(until, options) {
        const { clock, log } = this.deps;
        const alarms = options.alarms ?? this.watched;
        const began = clock.now();
        let lastProgress = began;
        let woken = false;
        void options.wake?.then(() => (woken = true));
        for (;;) {
            // Polls start one interval apart, however long the reads take, so "once per poll interval" holds.
            const polledAt = clock.now();
            await this.pollAlarms(alarms);
            this.checkTimeAndCancellation();
            await this.heartbeat();
            const now = clock.now();
            const finished = (options.done ? await options.done() : true) && now >= until;
            if (finished && this.lastAlarmRead >= Math.min(until, now))
                return;
            if (now - lastProgress >= PROGRESS_EVERY_MS) {
                lastProgress = now;
                const total = until > began ? `/${(0,src_duration/* formatDuration */.a)(until - began)}` : '';
                log.info(`${options.label}: ${(0,src_duration/* formatDuration */.a)(now - began)}${total}${options.progressNote?.() ?? ''}`);
            }
            const nextPoll = polledAt + this.settings.pollIntervalMs;
            const wait = Math.max(0, Math.min(nextPoll, until > now ? until : Infinity) - now);
            if (woken)
                continue;
            await this.sleep(wait, options.wake);
        }
    }
    async sleep(ms, wake) {
        const controller = new AbortController();
        const abort = () => controller.abort();
        this.deps.signal?.addEventListener('abort', abort, { once: true });
        void wake?.then(abort);
        try {
            await this.deps.clock.sleep(ms, controller.signal);
        }
        finally {
            this.deps.signal?.removeEventListener('abort', abort);
        }
    }
    async pollAlarms(names) {
        const { log, clock } = this.deps;
        if (names.length === 0) {
            this.lastAlarmRead = clock.now();
            return;
        }
        let changed;
        try {
            changed = await this.watch.read(names);
        }
        catch (error) {
            if (!isTransient(error))
                throw error;
            log.warn(`Could not read alarms (${(0,errors/* describeError */.Uc)(error)}); holding until they can be read`);
            return;
        }
        this.lastAlarmRead = clock.now();
        for (const alarm of changed) {
            if (alarm.state !== 'OK' || this.timeline.some((e) => alarm.name in e.alarms)) {
                this.mark(`alarm ${alarm.name} ${alarm.state}`);
            }
        }
        const breach = this.watch.breach(names);
        if (breach) {
            throw new Stop(`alarm ${breach.alarm} is in ${breach.state}${breach.reason ? `: ${breach.reason}` : ''}`);
        }
    }
    checkTimeAndCancellation() {
        if (this.deps.signal?.aborted)
            throw new Stop('the job was cancelled');
        if (this.deps.clock.now() >= this.deadline) {
            throw new Stop(`the deploy did not finish within timeout ${(0,src_duration/* formatDuration */.a)(this.settings.timeoutMs)}`);
        }
    }
    async heartbeat() {
        const now = this.deps.clock.now();
        if (!this.green || now - this.lastHeartbeat < HEARTBEAT_EVERY_MS)
            return;
        this.lastHeartbeat = now;
        try {
            await this.deps.ecs.tagTaskSet(this.green.arn, { [TAG.heartbeat]: new Date(now).toISOString() });
        }
        catch (error) {
            this.deps.log.debug(`heartbeat tag failed: ${(0,errors/* describeError */.Uc)(error)}`);
        }
    }
    // ── roll back and report ────────────────────────────────────────────────────────────────────────────
    async rollBack(reason) {
        const { log } = this.deps;
        log.warn(`Rolling back: ${reason}`);
        this.enter('rollback');
        const outcome = await rollBack(this.target(), {
            ecs: this.deps.ecs,
            lb: this.deps.lb,
            clock: this.deps.clock,
            info: (m) => log.info(m),
            warn: (m) => log.warn(m),
            onTrafficRestored: () => {
                this.traffic = 0;
                this.mark('traffic back on blue');
                this.deps.onTrafficRestored?.();
            },
        });
        this.save(true);
        if (!outcome.verified) {
            return this.finish('rolled-back', `${reason}; ROLLBACK NOT CONFIRMED BY AWS: ${outcome.problems.join('; ')}`);
        }
        log.info('Rollback confirmed by AWS: all traffic on blue, blue at 100%, green deleted');
        return this.finish('rolled-back', reason);
    }
    async backOff(error) {
        const { ecs, log } = this.deps;
        log.warn(error.message);
        await ecs.deleteTaskSet(this.settings.cluster, this.settings.service, this.green.arn);
        this.save(true);
        return this.finish('blocked', error.message);
    }
    target() {
        const s = this.settings;
        return {
            cluster: s.cluster,
            service: s.service,
            routing: s.routing,
            blueArn: this.blue.arn,
            greenArn: this.green?.arn,
            production: s.production,
            testListenerArn: s.testListenerArn,
            blueTargetGroup: this.blueTg,
            greenTargetGroup: this.greenTg,
            runTags: this.runTags(),
        };
    }
    runTags() {
        const id = this.deps.identity;
        return {
            [TAG.repository]: id.repository,
            [TAG.commit]: id.commit,
            [TAG.runId]: id.runId,
            [TAG.runAttempt]: id.runAttempt,
        };
    }
    save(finished) {
        this.deps.saveState({
            ...this.target(),
            finished,
            ...(this.deploymentId !== undefined ? { deploymentId: this.deploymentId } : {}),
        });
    }
    enter(phase) {
        this.phase = phase;
        this.mark();
    }
    mark(note) {
        const names = [...this.watched, ...this.oneBoxOnly];
        const entry = {
            at: new Date(this.deps.clock.now()).toISOString(),
            phase: this.phase,
            traffic: this.traffic,
            alarms: this.watch.notOk(names),
            ...(note ? { note } : {}),
        };
        // A bare phase entry followed within a second by what happened in it reads as one row.
        const last = this.timeline.at(-1);
        if (last &&
            last.note === undefined &&
            Date.parse(entry.at) - Date.parse(last.at) < 1000 &&
            last.traffic === entry.traffic &&
            JSON.stringify(last.alarms) === JSON.stringify(entry.alarms)) {
            this.timeline.pop();
        }
        this.timeline.push(entry);
    }
    finish(result, reason) {
        if (result !== 'rolled-back')
            this.mark(result);
        return {
            result,
            reason,
            plan: this.plan,
            ...(this.release.image ? { image: this.release.image } : {}),
            ...(this.taskDefinitionArn ? { taskDefinitionArn: this.taskDefinitionArn } : {}),
            ...(this.green ? { taskSetArn: this.green.arn } : {}),
            ...(this.blue ? { previousTaskSetArn: this.blue.arn } : {}),
            ...(this.release.manifestLines ? { manifestLines: this.release.manifestLines } : {}),
            timeline: this.timeline,
            startedAt: new Date(this.startedAt).toISOString(),
            finishedAt: new Date(this.deps.clock.now()).toISOString(),
        };
    }
}
function preview(names) {
    return names.length > 8 ? `${names.slice(0, 8).join(', ')} and ${names.length - 8} more` : names.join(', ');
}
function uniqueByName(alarms) {
    return [...new Map(alarms.map((a) => [a.name, a])).values()];
}

// EXTERNAL MODULE: ./src/inputs.ts
var inputs = __webpack_require__(8422);
// EXTERNAL MODULE: ./src/deploy/steps.ts
var deploy_steps = __webpack_require__(9416);
;// CONCATENATED MODULE: ./src/deploy/settings.ts




const LISTENER_ARN = /^arn:aws[\w-]*:elasticloadbalancing:[\w-]+:\d{12}:listener\/(app|net)\/[\w-]+\/[0-9a-f]+\/[0-9a-f]+$/;
const RULE_ARN = /^arn:aws[\w-]*:elasticloadbalancing:[\w-]+:\d{12}:listener-rule\/(app|net)\/[\w-]+\/[0-9a-f]+\/[0-9a-f]+\/[0-9a-f]+$/;
const TASK_DEFINITION_REF = /^(arn:aws[\w-]*:ecs:[\w-]+:\d{12}:task-definition\/)?[A-Za-z0-9_-]{1,255}:\d+$/;
const NAME_OR_ARN = /^(arn:aws[\w-]*:ecs:[\w-]+:\d{12}:(cluster|service)\/[\w/-]+|[A-Za-z0-9_-]{1,255})$/;
/** Reads and validates every deploy input. Throws a UserError naming the input and the bad text. */
function parseDeploySettings(read) {
    const cluster = nameOrArn(read, 'cluster');
    const service = nameOrArn(read, 'service');
    const stepsText = read('steps') || 'Canary10Percent5Minutes';
    const steps = (0,deploy_steps/* parseSteps */.$)(stepsText, 'steps');
    const listenerArn = arnInput(read, 'listener-arn', LISTENER_ARN, 'an ELBv2 listener ARN');
    const ruleArn = arnInput(read, 'listener-rule-arn', RULE_ARN, 'an ELBv2 listener rule ARN');
    const testListenerArn = arnInput(read, 'test-listener-arn', LISTENER_ARN, 'an ELBv2 listener ARN');
    if (listenerArn && ruleArn) {
        throw new errors/* UserError */.yo("Inputs 'listener-arn' and 'listener-rule-arn' name two production routes: give one");
    }
    const production = ruleArn
        ? { kind: 'rule', arn: ruleArn }
        : listenerArn
            ? { kind: 'listener', arn: listenerArn }
            : undefined;
    const routing = (0,inputs/* oneOf */.yL)(read, 'routing', ['listener', 'task-sets'], production ? 'listener' : 'task-sets');
    if (routing === 'listener' && !production) {
        throw (0,errors/* inputError */.Xu)('routing', 'listener', "listener routing needs 'listener-arn' or 'listener-rule-arn'");
    }
    if (routing === 'task-sets' && testListenerArn) {
        throw (0,errors/* inputError */.Xu)('test-listener-arn', testListenerArn, "a test listener needs 'routing: listener'");
    }
    const minRequests = (0,inputs/* count */.U9)(read, 'min-requests', 0);
    if (minRequests > 0 && routing !== 'listener') {
        throw (0,errors/* inputError */.Xu)('min-requests', String(minRequests), "counting green's requests needs 'routing: listener' (with task-sets routing both versions share one target group)");
    }
    const pollIntervalMs = (0,inputs/* duration */.p0)(read, 'poll-interval', '10s');
    if (pollIntervalMs < 1000)
        throw (0,errors/* inputError */.Xu)('poll-interval', read('poll-interval'), 'the smallest interval is 1s');
    const timeoutMs = (0,inputs/* duration */.p0)(read, 'timeout', '60m');
    if (timeoutMs <= 0)
        throw (0,errors/* inputError */.Xu)('timeout', read('timeout'), 'must be longer than 0s');
    const stabilizeTimeoutMs = (0,inputs/* duration */.p0)(read, 'stabilize-timeout', '10m');
    if (stabilizeTimeoutMs <= 0) {
        throw (0,errors/* inputError */.Xu)('stabilize-timeout', read('stabilize-timeout'), 'must be longer than 0s');
    }
    return {
        cluster,
        service,
        taskDefinition: taskDefinitionSource(read),
        stepsText,
        steps,
        routing,
        production,
        testListenerArn,
        alarms: (0,inputs/* list */.p_)(read, 'alarms'),
        alarmPrefixes: (0,inputs/* list */.p_)(read, 'alarm-prefixes'),
        blockerAlarms: (0,inputs/* list */.p_)(read, 'blocker-alarms'),
        oneBox: (0,inputs/* boolean */.zM)(read, 'one-box', false),
        oneBoxAlarms: (0,inputs/* list */.p_)(read, 'one-box-alarms'),
        oneBoxBakeMs: (0,inputs/* duration */.p0)(read, 'one-box-bake', '10m'),
        bakeMs: (0,inputs/* duration */.p0)(read, 'bake-time', '5m'),
        minRequests,
        pollIntervalMs,
        insufficientData: (0,inputs/* oneOf */.yL)(read, 'insufficient-data', ['ignore', 'rollback'], 'ignore'),
        beforeTraffic: (0,inputs/* optional */.lq)(read, 'before-traffic'),
        afterTraffic: (0,inputs/* optional */.lq)(read, 'after-traffic'),
        stabilizeTimeoutMs,
        timeoutMs,
        requireReview: (0,inputs/* boolean */.zM)(read, 'require-review', false),
        dryRun: (0,inputs/* boolean */.zM)(read, 'dry-run', false),
        environment: read('environment') || `${shortName(cluster)}/${shortName(service)}`,
        githubToken: (0,inputs/* optional */.lq)(read, 'github-token'),
    };
}
function taskDefinitionSource(read) {
    const manifest = (0,inputs/* optional */.lq)(read, 'manifest');
    const taskDefinition = (0,inputs/* optional */.lq)(read, 'task-definition');
    const containerName = (0,inputs/* optional */.lq)(read, 'container-name');
    const image = (0,inputs/* optional */.lq)(read, 'image');
    if (manifest) {
        for (const other of ['task-definition', 'container-name', 'image']) {
            if (read(other)) {
                throw new errors/* UserError */.yo(`Input '${other}' cannot be used with 'manifest': the manifest fixes what is deployed`);
            }
        }
        if (!(0,external_node_fs_.existsSync)(manifest))
            throw (0,errors/* inputError */.Xu)('manifest', manifest, 'no such file');
        const commit = (0,inputs/* optional */.lq)(read, 'manifest-commit');
        return { kind: 'manifest', path: manifest, ...(commit ? { commit } : {}) };
    }
    if (!taskDefinition) {
        throw (0,errors/* inputError */.Xu)('task-definition', '', "give a task definition file or ARN, or a 'manifest'");
    }
    if (Boolean(containerName) !== Boolean(image)) {
        throw new errors/* UserError */.yo("Inputs 'container-name' and 'image' go together: give both or neither");
    }
    const replace = containerName && image ? { containerName, image } : {};
    if (TASK_DEFINITION_REF.test(taskDefinition))
        return { kind: 'existing', reference: taskDefinition, ...replace };
    if (!(0,external_node_fs_.existsSync)(taskDefinition)) {
        throw (0,errors/* inputError */.Xu)('task-definition', taskDefinition, 'no such file, and not a task definition ARN or family:revision');
    }
    return { kind: 'file', path: taskDefinition, ...replace };
}
function nameOrArn(read, name) {
    const value = (0,inputs/* required */.mw)(read, name);
    if (!NAME_OR_ARN.test(value))
        throw (0,errors/* inputError */.Xu)(name, value, 'expected a name or an ECS ARN');
    return value;
}
function arnInput(read, name, pattern, what) {
    const value = (0,inputs/* optional */.lq)(read, name);
    if (value && !pattern.test(value))
        throw (0,errors/* inputError */.Xu)(name, value, `expected ${what}`);
    return value;
}
/** The last part of an ARN, or the name itself. */
function shortName(nameOrArn) {
    return nameOrArn.split('/').at(-1) ?? nameOrArn;
}

;// CONCATENATED MODULE: ./src/deploy/run.ts


















/** The state key the post step reads. */
const STATE_KEY = 'deploy';
/** Runs the deploy action: parse inputs, deploy, report. Fails the step unless the result is deployed or dry-run. */
async function runDeploy(read, runtime = {}) {
    const env = runtime.env ?? process.env;
    const settings = parseDeploySettings(read);
    const identity = runIdentity(env);
    const release = loadRelease(settings, env);
    const ports = runtime.ports ?? awsPorts();
    const cancel = new AbortController();
    const onSignal = (signal) => {
        lib_core/* warning */.$e(`Received ${signal}: the job was cancelled, rolling back`);
        cancel.abort();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    const [owner = '', repo = ''] = identity.repository.split('/');
    const record = settings.dryRun
        ? undefined
        : await startDeploymentRecord({
            token: settings.githubToken,
            owner,
            repo,
            ref: identity.commit,
            environment: settings.environment,
            description: `safe-deploy ${settings.cluster}/${settings.service}`,
            logUrl: runUrl(env, identity),
        });
    const engine = new DeployEngine(settings, release, {
        ...ports,
        clock: runtime.clock ?? clock/* systemClock */.m,
        log: actionLog,
        identity,
        signal: cancel.signal,
        runHook: (_name, command, hookEnv) => exec/* exec */.m('bash', ['-eo', 'pipefail', '-c', command], {
            env: { ...process.env, ...hookEnv },
            ignoreReturnCode: true,
        }),
        checkReview: () => checkReviewed({ token: settings.githubToken, owner, repo, sha: identity.commit }),
        saveState: (state) => lib_core/* saveState */.LZ(STATE_KEY, JSON.stringify(state)),
        ...(runtime.onTrafficRestored ? { onTrafficRestored: runtime.onTrafficRestored } : {}),
    });
    engine.setDeploymentId(record?.id);
    try {
        const report = await engine.run();
        report.reason = report.reason || report.result;
        setOutputs(report);
        await writeSummary(report);
        await record?.finish(report.result === 'deployed', `${report.result}: ${report.reason}`);
        if (report.result === 'deployed')
            lib_core/* info */.pq(`Deployed: ${report.reason}`);
        else if (report.result === 'dry-run')
            lib_core/* info */.pq(report.reason);
        else
            lib_core/* setFailed */.C1(`${report.result === 'blocked' ? 'Blocked' : 'Rolled back'}: ${report.reason}`);
        return report;
    }
    catch (error) {
        await record?.finish(false, 'safe-deploy stopped before deploying');
        throw error;
    }
    finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
    }
}
/** The SDK-backed ports, configured from the environment with adaptive retries. */
function awsPorts() {
    const config = (0,clients/* clientConfig */.y)();
    return {
        ecs: new SdkEcs(new client_ecs_dist_cjs/* ECSClient */.Zgc(config)),
        lb: new SdkLoadBalancer(new client_elastic_load_balancing_v2_dist_cjs/* ElasticLoadBalancingV2Client */.MlD(config)),
        cloudwatch: new cloudwatch/* SdkCloudWatch */.vc(new dist_cjs/* CloudWatchClient */.WBn(config)),
    };
}
/** Reads the version to deploy from files only; a manifest is verified here, before any AWS call. */
function loadRelease(settings, env) {
    const source = settings.taskDefinition;
    switch (source.kind) {
        case 'manifest': {
            const event = env.GITHUB_EVENT_PATH ? safeReadJson(env.GITHUB_EVENT_PATH) : {};
            const manifest = verifyManifest(source.path, expectedSource(env, event, source.commit));
            lib_core/* info */.pq(`Manifest ${source.path} verified: ${manifest.checksum}, image ${manifest.image}`);
            warnIfUnpinned(manifest.image);
            return {
                register: manifest.taskDefinition,
                image: manifest.image,
                manifestLines: summarizeManifest(manifest),
            };
        }
        case 'file': {
            const definition = readTaskDefinitionFile(source.path, 'task-definition');
            warnIfUnpinned(source.image);
            return {
                register: renderTaskDefinition(definition, source.containerName, source.image),
                ...(source.image ? { image: source.image } : {}),
            };
        }
        case 'existing':
            warnIfUnpinned(source.image);
            return {
                existing: source.reference,
                ...(source.containerName && source.image
                    ? {
                        revise: (existing) => renderTaskDefinition(existing, source.containerName, source.image),
                        image: source.image,
                    }
                    : {}),
            };
    }
}
function warnIfUnpinned(image) {
    if (image && !isPinned(image)) {
        lib_core/* warning */.$e(`Input 'image': ${image} is not pinned by digest (@sha256:...); a tag can move between stages. ` +
            'Use the package action to deploy the exact image that was built.');
    }
}
function setOutputs(report) {
    lib_core/* setOutput */.uH('result', report.result);
    lib_core/* setOutput */.uH('reason', report.reason);
    lib_core/* setOutput */.uH('task-definition-arn', report.taskDefinitionArn ?? '');
    lib_core/* setOutput */.uH('task-set-arn', report.taskSetArn ?? '');
    lib_core/* setOutput */.uH('previous-task-set-arn', report.previousTaskSetArn ?? '');
    lib_core/* setOutput */.uH('timeline', timelineOutput(report.timeline));
}
/** The run's identity from the runner's environment (or a local one). */
function runIdentity(env) {
    return {
        repository: env.GITHUB_REPOSITORY ?? 'local/local',
        commit: env.GITHUB_SHA ?? 'local',
        runId: env.GITHUB_RUN_ID ?? `local-${process.pid}`,
        runAttempt: env.GITHUB_RUN_ATTEMPT ?? '1',
    };
}
function runUrl(env, identity) {
    return `${env.GITHUB_SERVER_URL ?? 'https://github.com'}/${identity.repository}/actions/runs/${identity.runId}`;
}
function safeReadJson(path) {
    try {
        return JSON.parse((0,external_node_fs_.readFileSync)(path, 'utf8'));
    }
    catch {
        return {};
    }
}
/** Grouped action logs. */
const actionLog = {
    info: (m) => lib_core/* info */.pq(m),
    warn: (m) => lib_core/* warning */.$e(m),
    debug: (m) => lib_core/* debug */.Yz(m),
    group: (name, run) => lib_core/* group */.Os(name, run),
};


/***/ })

};
