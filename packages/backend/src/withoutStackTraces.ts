import type { RequestHandler } from 'express';

/**
 * Backstage's error handlers (the root one and each plugin's) put stack
 * traces into error responses when NODE_ENV is development — which `npm
 * start` sets. The portal promises readable errors and never a stack trace,
 * so this root middleware drops `error.stack` from Backstage's error body
 * shape (`{ error, request, response }`) before it is sent. Logs keep the
 * stack; only the HTTP answer loses it.
 */
export const withoutStackTraces: RequestHandler = (_req, res, next) => {
  const json = res.json.bind(res);
  res.json = (body: unknown) => {
    if (
      body &&
      typeof body === 'object' &&
      'error' in body &&
      'response' in body &&
      typeof (body as { error: unknown }).error === 'object'
    ) {
      const { error, ...rest } = body as { error: Record<string, unknown> };
      const { stack: _stack, ...errorWithoutStack } = error;
      return json({ error: errorWithoutStack, ...rest });
    }
    return json(body);
  };
  next();
};
