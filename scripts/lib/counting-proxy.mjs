// A loopback HTTP proxy in front of the emulator that records every AWS call the action makes (by
// operation name and time), so the benchmark counts calls and measures cold start from the outside.
import { createServer, request } from 'node:http';

/** The AWS operation of a request: JSON (X-Amz-Target), Smithy RPC v2 (/operation/X) or query (Action=X). */
function operationOf(req, body) {
  const target = req.headers['x-amz-target'];
  if (typeof target === 'string') return target.split('.').at(-1);
  const rpc = /\/operation\/([A-Za-z]+)/.exec(req.url ?? '');
  if (rpc) return rpc[1];
  const action = /(?:^|&)Action=([A-Za-z]+)/.exec(body);
  return action ? action[1] : `${req.method} ${req.url}`;
}

/** The AWS service of a request: the X-Amz-Target prefix (`AmazonEC2ContainerServiceV20141113`), else `query`. */
function serviceOf(req) {
  const target = req.headers['x-amz-target'];
  return typeof target === 'string' ? target.split('.')[0] : 'query';
}

/**
 * Starts the proxy; `calls` holds `{ op, service, at, body }` for every request, in order (`body` cut to
 * 2 KB). `answer(op, body, headers)` may answer a request itself with `{ status, body }` (JSON), instead
 * of the upstream. `delayMs({ op, service, body })` holds a request that long before it is answered, as a
 * slow control plane would (the call is recorded when it arrives).
 */
export async function startCountingProxy(upstream, { answer, delayMs } = {}) {
  const target = new URL(upstream);
  const calls = [];
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const text = body.toString('latin1');
      const op = operationOf(req, text);
      const service = serviceOf(req);
      calls.push({ op, service, at: performance.timeOrigin + performance.now(), body: text.slice(0, 2048) });
      const wait = delayMs?.({ op, service, body: text }) ?? 0;
      if (wait > 0) setTimeout(() => handle(op, body, res, req), wait);
      else handle(op, body, res, req);
    });
  });
  function handle(op, body, res, req) {
    const local = answer?.(op, body.toString('utf8'), req.headers);
    if (local) {
      res.writeHead(local.status, { 'content-type': 'application/x-amz-json-1.0' });
      res.end(JSON.stringify(local.body));
      return;
    }
    const forward = request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
      (upstreamRes) => {
        res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
        upstreamRes.pipe(res);
      },
    );
    forward.on('error', () => res.writeHead(502).end());
    forward.end(body);
  }
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    count: (op) => calls.filter((c) => c.op === op).length,
    byOperation: () => calls.reduce((acc, c) => ({ ...acc, [c.op]: (acc[c.op] ?? 0) + 1 }), {}),
    reset: () => calls.splice(0),
    stop: () => new Promise((resolve) => server.close(resolve)),
  };
}
