import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the fake server saw. */
export interface SeenRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  at: number;
}

/** What a handler answers; `stall` never answers (the client must time out). */
export type FakeAnswer =
  | { status: number; json?: unknown; text?: string }
  | { stall: true }
  | { destroy: true };

/**
 * A loopback HTTP server standing in for Prometheus / Alertmanager, scripted
 * per request so a test can make it fail, stall, then answer.
 */
export class FakeServer {
  readonly requests: SeenRequest[] = [];
  #server = http.createServer((req, res) => this.#handle(req, res));
  #script: Array<FakeAnswer> = [];
  #fallback: (req: SeenRequest) => FakeAnswer = () => ({
    status: 404,
    text: 'not found',
  });
  #stalled: http.ServerResponse[] = [];

  static async start(): Promise<FakeServer> {
    const server = new FakeServer();
    await new Promise<void>(resolve =>
      server.#server.listen(0, '127.0.0.1', resolve),
    );
    return server;
  }

  get url(): string {
    const { port } = this.#server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  /** The next requests get these answers, in order; then `otherwise`. */
  script(...answers: FakeAnswer[]): this {
    this.#script.push(...answers);
    return this;
  }

  otherwise(fallback: (req: SeenRequest) => FakeAnswer): this {
    this.#fallback = fallback;
    return this;
  }

  /** What this server would answer to `req` by its fallback (to compose fakes). */
  answer(req: SeenRequest): FakeAnswer {
    return this.#fallback(req);
  }

  /** Forgets recorded requests and pending scripted answers. */
  reset(): this {
    this.requests.length = 0;
    this.#script = [];
    return this;
  }

  requestsTo(pathPrefix: string): SeenRequest[] {
    return this.requests.filter(r => r.url.startsWith(pathPrefix));
  }

  async stop(): Promise<void> {
    for (const res of this.#stalled) res.destroy();
    this.#server.closeAllConnections();
    await new Promise<void>(resolve => this.#server.close(() => resolve()));
  }

  #handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const seen: SeenRequest = {
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      headers: req.headers,
      at: Date.now(),
    };
    this.requests.push(seen);
    req.resume();
    const answer = this.#script.shift() ?? this.#fallback(seen);
    if ('stall' in answer) {
      this.#stalled.push(res);
      return;
    }
    if ('destroy' in answer) {
      res.destroy();
      return;
    }
    if (answer.json !== undefined) {
      res.writeHead(answer.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answer.json));
    } else {
      res.writeHead(answer.status, { 'content-type': 'text/plain' });
      res.end(answer.text ?? '');
    }
  }
}

/** A port nothing listens on (bound, then released). */
export async function closedPortUrl(): Promise<string> {
  const server = http.createServer();
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>(resolve => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

/** Prometheus' success envelope. */
export function promOk(data: unknown) {
  return { status: 200, json: { status: 'success', data } };
}

/**
 * A Prometheus that holds nothing and reloads: well-formed empty answers,
 * since a malformed one would open the circuit to it and the reload after
 * an apply's write would not be sent.
 */
export async function startEmptyPrometheus(): Promise<FakeServer> {
  const prometheus = await FakeServer.start();
  prometheus.otherwise(req => {
    if (req.url.startsWith('/-/reload')) return { status: 200, text: '' };
    if (req.url.startsWith('/api/v1/rules')) return promOk({ groups: [] });
    if (req.url.startsWith('/api/v1/query'))
      return promOk({ resultType: 'vector', result: [] });
    return promOk([]);
  });
  return prometheus;
}
