/**
 * The few portal API calls the stack makes, as the signed-in guest user
 * (FEASIBILITY.md: anonymous API calls are 401; the guest provider issues a
 * token from /api/auth/guest/refresh).
 */

/** A guest user's Backstage token. */
export async function guestToken(baseUrl) {
  const res = await fetch(`${baseUrl}/api/auth/guest/refresh`, {
    headers: { 'X-Requested-With': 'XMLHttpRequest' },
  });
  if (!res.ok)
    throw new Error(`guest refresh: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()).backstageIdentity.token;
}

function entityPath({ kind, namespace, name }) {
  return [kind, namespace, name].map(encodeURIComponent).join('/');
}

/** Calls the portal API with a guest token; returns `{ status, body, ms }` (body parsed when JSON). */
export async function portalApi(
  baseUrl,
  path,
  { method = 'GET', body, token, timeoutMs = 120_000 } = {},
) {
  token ??= await guestToken(baseUrl);
  const started = Date.now();
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${token}`,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: body !== undefined ? JSON.stringify(body) : undefined,
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await res.text();
  let parsed = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: keep the text for the error message
  }
  return { status: res.status, body: parsed, ms: Date.now() - started };
}

/** `POST /api/observability/entity/:kind/:namespace/:name/apply`; throws unless 2xx. */
export async function applyRules(baseUrl, entity, options = {}) {
  const res = await portalApi(
    baseUrl,
    `/api/observability/entity/${entityPath(entity)}/apply`,
    {
      method: 'POST',
      body: {},
      ...options,
    },
  );
  if (res.status < 200 || res.status >= 300) {
    throw new Error(
      `apply ${entityPath(entity)}: HTTP ${res.status} ${JSON.stringify(
        res.body,
      )}`,
    );
  }
  return res.body;
}

/** `GET /api/observability/entity/:kind/:namespace/:name` (the Observability tab's data). */
export function entityView(baseUrl, entity, options = {}) {
  return portalApi(
    baseUrl,
    `/api/observability/entity/${entityPath(entity)}`,
    options,
  );
}
