import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/** One request the stand-in received. */
export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
  headers: IncomingMessage['headers'];
}

/** What a route handler returns: a status, a JSON body (or raw bytes), and optional headers (e.g. `link`). */
export interface Reply {
  status?: number;
  body?: unknown;
  /** Bytes sent as they are (an artifact's zip), instead of a JSON body. */
  raw?: Buffer;
  headers?: Record<string, string>;
}

type Handler = (req: RecordedRequest, params: string[]) => Reply | Promise<Reply>;

/**
 * A local stand-in for the GitHub REST API on 127.0.0.1. Tests register routes by method and path
 * pattern (`/repos/o/r/issues/(\d+)/comments`), keep state in their own closures, and assert on
 * `requests`. Unmatched requests answer 404 like GitHub does for unknown resources.
 */
export class FakeGitHub {
  readonly requests: RecordedRequest[] = [];
  private readonly routes: { method: string; pattern: RegExp; handler: Handler }[] = [];
  private server?: Server;
  url = '';

  /** Registers a handler; later registrations win over earlier ones for the same request. */
  on(method: string, path: string | RegExp, handler: Handler): this {
    const pattern = typeof path === 'string' ? new RegExp(`^${path}$`) : path;
    this.routes.unshift({ method: method.toUpperCase(), pattern, handler });
    return this;
  }

  /** Requests matching a method and path pattern. */
  calls(method: string, path: string | RegExp): RecordedRequest[] {
    const pattern = typeof path === 'string' ? new RegExp(`^${path}$`) : path;
    return this.requests.filter((r) => r.method === method.toUpperCase() && pattern.test(r.path));
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    if (!address || typeof address !== 'object') throw new Error('fake GitHub did not bind');
    this.url = `http://127.0.0.1:${address.port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const recorded: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      body: text ? safeJson(text) : undefined,
      headers: req.headers,
    };
    this.requests.push(recorded);
    let reply: Reply = { status: 404, body: { message: 'Not Found' } };
    for (const route of this.routes) {
      const match = route.method === recorded.method ? route.pattern.exec(recorded.path) : null;
      if (match) {
        reply = await route.handler(recorded, match.slice(1));
        break;
      }
    }
    res.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...reply.headers });
    if (reply.raw) res.end(reply.raw);
    else res.end(reply.body === undefined ? '' : JSON.stringify(reply.body));
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
