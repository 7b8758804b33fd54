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

/**
 * Starts the proxy; `calls` holds `{ op, at, body }` for every request, in order (`body` cut to 2 KB).
 * `answer(op, body)` may answer a request itself with `{ status, body }` (JSON), instead of the upstream.
 */
export async function startCountingProxy(upstream, { answer } = {}) {
  const target = new URL(upstream);
  const calls = [];
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const text = body.toString('latin1');
      const op = operationOf(req, text);
      calls.push({ op, at: performance.timeOrigin + performance.now(), body: text.slice(0, 2048) });
      const local = answer?.(op, body.toString('utf8'));
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
    });
  });
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
