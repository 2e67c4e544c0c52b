/**
 * Every route's inputs, fuzzed through the whole plugin: whatever a caller
 * sends, the answer is never a 5xx (503 only where an upstream failed, as
 * the README documents) and never shows the backend's insides — stack
 * frames, file paths, SQL, system error codes.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import fc from 'fast-check';
import request from 'supertest';
import {
  CATALOG_SQL,
  lockedCatalogError,
} from '../__testUtils__/catalogErrors';
import { testEntities } from '../__testUtils__/entities';
import { FakeServer, promOk } from '../__testUtils__/fakeServer';
import { observabilityPlugin } from '../plugin';

const API = '/api/observability';

/** What no answer may contain, with the reason it is there. */
const LEAKS: Array<[RegExp, string]> = [
  [/\bat .*[(\s]\/.*:\d+:\d+/, 'a stack frame'],
  [/\/work\/|node_modules|\.ts:\d/, 'a server file path'],
  [/\berrno\b|\bsyscall\b|EACCES|ENOENT|ECONNREFUSED/, 'a system error'],
];
/** Only error answers are searched for SQL: runbooks say "from" in prose. */
const SQL_LEAKS: Array<[RegExp, string]> = [
  [/\bselect\s|\sfrom\s+["`\w]|insert into|sqlite|knex/i, 'SQL text'],
];

type Answer = { status: number; text: string; method: string; url: string };

function expectClean(res: Answer) {
  const where = `${res.method} ${res.url} → ${res.status} ${res.text.slice(
    0,
    500,
  )}`;
  if (res.status >= 500 && res.status !== 503)
    throw new Error(`5xx answer: ${where}`);
  const leaks = res.status >= 400 ? [...LEAKS, ...SQL_LEAKS] : LEAKS;
  for (const [pattern, what] of leaks) {
    if (pattern.test(res.text)) throw new Error(`${what} in ${where}`);
  }
}

async function send(
  server: Parameters<typeof request>[0],
  method: 'get' | 'post',
  url: string,
  body?: { text: string; type?: string },
): Promise<Answer> {
  let req = request(server)[method](url);
  if (body) {
    if (body.type !== undefined) req = req.set('Content-Type', body.type);
    req = req.send(body.text);
  }
  const res = await req;
  return { status: res.status, text: res.text ?? '', method, url };
}

/** Path segments: valid-looking, hostile, and arbitrary text. */
const segment = fc.oneof(
  fc.constantFrom(
    'component',
    'default',
    'checkout',
    'legacy-billing',
    'Component',
    '..',
    '.',
    '%2e%2e',
    '%00',
    '%E0%A4%A',
    '%',
    '__proto__',
    'constructor',
    'prometheus-rules',
    'runbook:HighErrorRate',
    'HighErrorRate',
    'payments',
    'a'.repeat(64),
    'x'.repeat(5000),
  ),
  fc.string({ maxLength: 80 }).map(encodeURIComponent),
  fc.string({ unit: 'binary', maxLength: 40 }).map(encodeURIComponent),
);

const pathTemplates: Array<(s: string[]) => string> = [
  ([k, n, m]) => `/entity/${k}/${n}/${m}`,
  ([k, n, m, a]) => `/entity/${k}/${n}/${m}/artifacts/${a}`,
  ([k, n, m]) => `/entity/${k}/${n}/${m}/bundle.zip`,
  ([k, n, m, a]) => `/entity/${k}/${n}/${m}/runbooks/${a}`,
  ([k, n, m]) => `/entity/${k}/${n}/${m}/apply`,
  ([t]) => `/alertmanager/teams/${t}/config.yaml`,
];

/** Query values: the numbers JavaScript would misread, lists, and text. */
const queryValue = fc.oneof(
  fc.constantFrom(
    '0x10',
    '1e1',
    ' 2',
    '-1',
    '0',
    '1',
    '25',
    '100000',
    '99999999999999999999',
    'NaN',
    'Infinity',
    '',
    'asc',
    'desc',
    'coverageScore',
    'name',
    '2026-11-25T01:00:00Z',
    '2026-02-30T00:00:00Z',
    '%',
    '%ZZ',
  ),
  fc.string({ maxLength: 300 }).map(encodeURIComponent),
);
const queryKey = fc.oneof(
  fc.constantFrom(
    'page',
    'pageSize',
    'limit',
    'sort',
    'order',
    'q',
    'owner',
    'system',
    'lifecycle',
    'kind',
    'tier',
    'team',
    'from',
    'to',
    'owner[]',
    'owner[a]',
    '__proto__[x]',
    'constructor[prototype][x]',
  ),
  fc.string({ maxLength: 20 }).map(encodeURIComponent),
);
const queryString = fc
  .array(fc.tuple(queryKey, queryValue), { maxLength: 6 })
  .map(pairs => pairs.map(([k, v]) => `${k}=${v}`).join('&'));

/** JSON bodies: arbitrary values, the routes' own keys, hostile keys, huge values. */
const bodyValue = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  fc.record(
    {
      query: fc.oneof(fc.string({ maxLength: 60 }), fc.jsonValue()),
      context: fc.oneof(
        fc.dictionary(
          fc.constantFrom(
            'observability_pillar',
            'stack',
            'environment',
            'enviroment',
            'issue_type',
            '__proto__',
          ),
          fc.oneof(
            fc.constantFrom('logs', 'metrics', 'elk', 'production', 'error'),
            fc.jsonValue(),
          ),
        ),
        fc.jsonValue(),
      ),
      entityRef: fc.oneof(
        fc.constantFrom(
          'component:default/checkout',
          'component:default/nope',
          '../../x',
          'component:default/../x',
        ),
        fc.string({ maxLength: 60 }),
        fc.jsonValue(),
      ),
      instance: fc.oneof(
        fc.constantFrom('main', 'down', 'nope', ''),
        fc.jsonValue(),
      ),
    },
    { requiredKeys: [] },
  ),
);
const bodyText = fc.oneof(
  { weight: 6, arbitrary: bodyValue.map(v => JSON.stringify(v) ?? 'null') },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '{"__proto__":{"polluted":true},"query":"latency alerts"}',
      '{"constructor":{"prototype":{"polluted":true}},"query":"latency alerts"}',
      '{"query":"latency alerts","context":{"__proto__":{"polluted":true}}}',
      `{"query":"${'x'.repeat(200_000)}"}`,
      `${'['.repeat(5000)}${']'.repeat(5000)}`,
      '{"query": "latency alerts", "context": {"enviroment": "staging"}}',
      '{"query":',
      '',
      'null',
      '"text"',
    ),
  },
  { weight: 2, arbitrary: fc.string({ maxLength: 200 }) },
);
const contentType = fc.constantFrom(
  'application/json',
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=latin1',
  'application/json; charset=x-nope',
  'text/plain',
  'application/x-www-form-urlencoded',
  'application/merge-patch+json',
  'multipart/form-data; boundary=x',
  undefined,
);
const postRoute = fc.constantFrom(
  '/design',
  '/entity/component/default/checkout/apply',
  '/entity/component/default/nope/apply',
  '/coverage/refresh',
);

describe('route inputs, fuzzed', () => {
  let prometheus: FakeServer;
  let rulesDirectory: string;
  let server: Parameters<typeof request>[0];

  beforeAll(async () => {
    prometheus = await FakeServer.start();
    prometheus.otherwise(req =>
      req.url.startsWith('/-/reload')
        ? { status: 200, text: '' }
        : promOk(
            req.url.startsWith('/api/v1/rules')
              ? { groups: [] }
              : { resultType: 'vector', result: [] },
          ),
    );
    rulesDirectory = await fs.mkdtemp(path.join(os.tmpdir(), 'redline-fuzz-'));
    ({ server } = await startTestBackend({
      features: [
        observabilityPlugin,
        catalogServiceMock.factory({
          entities: testEntities({ runbookUrl: 'https://wiki.example.org/x' }),
        }),
        mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
        mockServices.rootConfig.factory({
          data: {
            app: { baseUrl: 'http://portal.test' },
            observability: {
              prometheus: {
                timeoutMs: 300,
                instances: [
                  {
                    name: 'main',
                    url: prometheus.url,
                    default: true,
                    rulesDirectory,
                  },
                ],
              },
              retry: { attempts: 1, initialDelayMs: 1, maxDelayMs: 1 },
              apply: { promtoolPath: '/nonexistent/promtool' },
              coverage: {
                schedule: {
                  frequency: { minutes: 30 },
                  timeout: { minutes: 1 },
                  initialDelay: { minutes: 5 },
                },
              },
            },
          },
        }),
      ],
    }));
  });

  afterAll(async () => {
    await prometheus.stop();
    await fs.rm(rulesDirectory, { recursive: true, force: true });
  });

  // fc.assert fails the test with the counterexample; expectClean asserts.
  // eslint-disable-next-line jest/expect-expect
  it('path parameters', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...pathTemplates),
        fc.array(segment, { minLength: 4, maxLength: 4 }),
        fc.constantFrom<'get' | 'post'>('get', 'get', 'get', 'post'),
        async (template, parts, method) => {
          expectClean(await send(server, method, `${API}${template(parts)}`));
        },
      ),
      { numRuns: 250 },
    );
  }, 30_000);

  // eslint-disable-next-line jest/expect-expect
  it('query parameters', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(
          '/coverage',
          '/coverage/history',
          '/coverage/export.csv',
          '/entity/component/default/checkout',
          '/alertmanager/config.yaml',
        ),
        queryString,
        async (route, query) => {
          expectClean(await send(server, 'get', `${API}${route}?${query}`));
        },
      ),
      { numRuns: 250 },
    );
  }, 30_000);

  it('request bodies and content types', async () => {
    await fc.assert(
      fc.asyncProperty(
        postRoute,
        bodyText,
        contentType,
        async (route, text, type) => {
          expectClean(
            await send(server, 'post', `${API}${route}`, { text, type }),
          );
        },
      ),
      { numRuns: 250 },
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  }, 30_000);

  describe('the cases of issue 13', () => {
    it.each(['0x10', '1e1', '%202', '-1', '100000', '1.5', ''])(
      'refuses pageSize=%s naming the parameter',
      async value => {
        const res = await request(server).get(
          `${API}/coverage?pageSize=${value}`,
        );
        expect(res.status).toBe(400);
        expect(res.body.error.message).toBe(
          'Invalid coverage query: pageSize: must be a whole number between 1 and 500',
        );
      },
    );

    it('refuses page=0x10 and a history limit written in hex', async () => {
      const page = await request(server).get(`${API}/coverage?page=0x10`);
      expect(page.status).toBe(400);
      expect(page.body.error.message).toMatch(
        /^Invalid coverage query: page: /,
      );
      const limit = await request(server).get(
        `${API}/coverage/history?limit=0x10`,
      );
      expect(limit.status).toBe(400);
      expect(limit.body.error.message).toMatch(
        /^Invalid history query: limit: /,
      );
      const fine = await request(server).get(
        `${API}/coverage?page=2&pageSize=10`,
      );
      expect(fine.status).toBe(200);
      expect(fine.body).toMatchObject({ page: 2, pageSize: 10 });
    });

    it('names unknown design context keys and suggests the known one', async () => {
      const res = await request(server)
        .post(`${API}/design`)
        .send({ query: 'latency alerts', context: { enviroment: 'staging' } });
      expect(res.status).toBe(400);
      expect(res.body.error.message).toBe(
        'Invalid design input: Unknown field(s) in context: "enviroment" (did you mean environment?); known: observability_pillar, stack, environment, issue_type',
      );
    });

    it('says to send JSON when the body is text/plain or has no type', async () => {
      const body = JSON.stringify({ query: 'latency alerts' });
      for (const route of [
        '/design',
        '/entity/component/default/checkout/apply',
      ]) {
        const plain = await request(server)
          .post(`${API}${route}`)
          .set('Content-Type', 'text/plain')
          .send(body);
        expect(plain.status).toBe(415);
        expect(plain.body.error.message).toBe(
          'Send the request body as application/json (got "text/plain")',
        );
      }
      const design = await request(server)
        .post(`${API}/design`)
        .type('json')
        .send(body);
      expect(design.status).toBe(200);
    });
  });
});

describe('a catalog that fails with SQL in its answer', () => {
  let server: Parameters<typeof request>[0];
  const logged: unknown[] = [];

  beforeAll(async () => {
    const fail = async () => {
      throw await lockedCatalogError();
    };
    ({ server } = await startTestBackend({
      features: [
        observabilityPlugin,
        catalogServiceMock.mock({
          getEntityByRef: fail,
          getEntitiesByRefs: fail,
          queryEntities: fail,
          getEntities: fail,
        }).factory,
        mockServices.rootConfig.factory({
          data: { app: { baseUrl: 'http://portal.test' } },
        }),
        mockServices.rootLogger.factory({ level: 'none' }),
      ],
    }));
    logged.length = 0;
  });

  it.each([
    ['get', '/entity/component/default/checkout'],
    ['get', '/entity/component/default/checkout/artifacts/prometheus-rules'],
    ['get', '/entity/component/default/checkout/apply'],
    ['post', '/entity/component/default/checkout/apply'],
    ['get', '/alertmanager/config.yaml'],
    ['post', '/design'],
  ] as const)(
    '%s %s answers 503 for people, without the SQL',
    async (method, route) => {
      const res = await request(server)
        [method](`${API}${route}`)
        .send(
          route === '/design'
            ? {
                query: 'latency alerts',
                entityRef: 'component:default/checkout',
              }
            : {},
        );
      expect(res.status).toBe(503);
      expect(res.body.error).toEqual({
        name: 'ServiceUnavailableError',
        message:
          'The catalog did not answer (500 Internal Server Error); try again',
      });
      expect(res.text).not.toContain('final_entities');
      expect(res.text).not.toContain(CATALOG_SQL.slice(0, 20));
      expectClean({ status: res.status, text: res.text, method, url: route });
    },
  );
});
