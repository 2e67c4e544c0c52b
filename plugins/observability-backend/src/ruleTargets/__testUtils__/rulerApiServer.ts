/**
 * A stand-in for the Grafana Mimir / Cortex ruler configuration API, written
 * from its reference documentation (Mimir "HTTP API", section Ruler: set,
 * get and delete rule groups; tenant in `X-Scope-OrgID`), not from Mimir's
 * code. No real Mimir runs in these tests: this server is what they trust.
 *
 * Documented behaviour implemented: `GET {prefix}` answers every namespace
 * of the tenant as a YAML map namespace → groups, 404 when there are none;
 * `POST {prefix}/{namespace}` takes one
 * YAML group (`Content-Type: application/yaml`) and answers 202; `GET
 * {prefix}/{namespace}` answers `{namespace: [groups]}` as YAML, 404 when
 * there are none; `DELETE {prefix}/{namespace}[/{group}]` answers 202.
 * Requests without a tenant get 401; a body that is not exactly one valid
 * group gets 400.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { parse, stringify } from 'yaml';

/** The YAML each stored group was posted as. */
const postedAs = new WeakMap<object, string>();

interface StoredGroup {
  name: string;
  rules: Array<Record<string, unknown>>;
  [key: string]: unknown;
}

/** One request as the server saw it. */
export interface RulerRequest {
  method: string;
  path: string;
  tenant?: string;
  contentType?: string;
  authorization?: string;
  body: string;
}

export interface RulerApiServer {
  url: string;
  requests: RulerRequest[];
  /** tenant → namespace → group name → group. */
  tenants: Map<string, Map<string, Map<string, StoredGroup>>>;
  /** The next `count` requests fail with this status before being handled. */
  failNext(status: number, count?: number): void;
  close(): Promise<void>;
}

export async function startRulerApiServer(
  prefix = '/prometheus/config/v1/rules',
): Promise<RulerApiServer> {
  const tenants: RulerApiServer['tenants'] = new Map();
  const requests: RulerRequest[] = [];
  const failures: number[] = [];

  const server: Server = createServer(async (req, res) => {
    const body = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://ruler');
    const tenant = req.headers['x-scope-orgid'] as string | undefined;
    requests.push({
      method: req.method ?? 'GET',
      path: url.pathname,
      tenant,
      contentType: req.headers['content-type'],
      authorization: req.headers.authorization,
      body,
    });
    const answer = (status: number, text = '') => {
      res.writeHead(status, { 'content-type': 'application/yaml' });
      res.end(text);
    };
    const failure = failures.shift();
    if (failure !== undefined) return answer(failure, 'injected failure');
    const listing = url.pathname === prefix || url.pathname === `${prefix}/`;
    if (!listing && !url.pathname.startsWith(`${prefix}/`))
      return answer(404, 'not found');
    if (!tenant) return answer(401, 'no org id');
    if (listing) {
      if (req.method !== 'GET') return answer(405, 'method not allowed');
      const all = listAll(tenants.get(tenant));
      return all === ''
        ? answer(404, 'no rule groups found')
        : answer(200, all);
    }

    const [namespace, group, ...rest] = url.pathname
      .slice(prefix.length + 1)
      .split('/')
      .map(decodeURIComponent);
    if (!namespace || rest.length > 0) return answer(404, 'not found');
    const namespaces = tenants.get(tenant) ?? new Map();
    tenants.set(tenant, namespaces);
    const groups: Map<string, StoredGroup> =
      namespaces.get(namespace) ?? new Map();

    switch (req.method) {
      case 'POST': {
        if (group !== undefined) return answer(405, 'method not allowed');
        const parsed = parseOneGroup(body);
        if (typeof parsed === 'string') return answer(400, parsed);
        postedAs.set(parsed, body);
        groups.set(parsed.name, parsed);
        namespaces.set(namespace, groups);
        return answer(202);
      }
      case 'GET': {
        if (group !== undefined) {
          const found = groups.get(group);
          return found
            ? answer(200, stringify(found))
            : answer(404, 'group does not exist');
        }
        if (groups.size === 0) return answer(404, 'no rule groups found');
        const sorted = [...groups.values()].sort((a, b) =>
          a.name.localeCompare(b.name),
        );
        return answer(200, stringify({ [namespace]: sorted }));
      }
      case 'DELETE': {
        if (group === undefined) namespaces.delete(namespace);
        else groups.delete(group);
        return answer(202);
      }
      default:
        return answer(405, 'method not allowed');
    }
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    tenants,
    failNext(status, count = 1) {
      for (let i = 0; i < count; i++) failures.push(status);
    },
    close: () => new Promise(resolve => server.close(() => resolve())),
  };
}

/**
 * Every non-empty namespace with its groups sorted by name, as YAML. Each
 * group is written as it was posted (the YAML it arrived as, indented into
 * the map), so listing 10 000 namespaces does not serialise them all again.
 */
function listAll(
  namespaces: Map<string, Map<string, StoredGroup>> | undefined,
): string {
  const blocks: string[] = [];
  for (const [namespace, groups] of [...(namespaces ?? new Map())].sort(
    ([a], [b]) => a.localeCompare(b),
  )) {
    if (groups.size === 0) continue;
    const items = [...groups.values()]
      .sort((a, b) => a.name.localeCompare(b.name))
      .map(group =>
        (postedAs.get(group) ?? stringify(group))
          .trimEnd()
          .split('\n')
          .map((line, i) => (i === 0 ? `  - ${line}` : `    ${line}`))
          .join('\n'),
      );
    blocks.push(`${JSON.stringify(namespace)}:\n${items.join('\n')}\n`);
  }
  return blocks.join('');
}

/** The group in `body`, or why it is not one valid group. */
function parseOneGroup(body: string): StoredGroup | string {
  let value: unknown;
  try {
    value = parse(body);
  } catch {
    return 'unable to decode rule group: invalid YAML';
  }
  if (!value || typeof value !== 'object' || Array.isArray(value))
    return 'the body must be one rule group';
  const group = value as Partial<StoredGroup>;
  if (typeof group.name !== 'string' || group.name === '')
    return 'invalid rules configuration: rule group name must not be empty';
  if (!Array.isArray(group.rules) || group.rules.length === 0)
    return `invalid rules configuration: rule group '${group.name}' has no rules`;
  for (const rule of group.rules) {
    const named = [rule.alert, rule.record].filter(n => typeof n === 'string');
    if (named.length !== 1)
      return `invalid rules configuration: one of 'record' or 'alert' must be set`;
    if (typeof rule.expr !== 'string' || rule.expr.trim() === '')
      return `invalid rules configuration: field 'expr' must be set in rule`;
  }
  return group as StoredGroup;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
