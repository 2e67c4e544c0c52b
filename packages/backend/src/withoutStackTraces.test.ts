import express from 'express';
import request from 'supertest';
import { InputError } from '@backstage/errors';
import { MiddlewareFactory } from '@backstage/backend-defaults/rootHttpRouter';
import { mockServices } from '@backstage/backend-test-utils';
import { withoutStackTraces } from './withoutStackTraces';

function appWith(failure: Error) {
  const middleware = MiddlewareFactory.create({
    config: mockServices.rootConfig(),
    logger: mockServices.logger.mock(),
  });
  return (
    express()
      .use(withoutStackTraces)
      .get('/fail', () => {
        throw failure;
      })
      .get('/ok', (_req, res) => {
        res.json({ error: 'not an error body', stack: 'kept' });
      })
      // showStackTraces forces what NODE_ENV=development does under `npm start`.
      .use(middleware.error({ showStackTraces: true }))
  );
}

describe('withoutStackTraces', () => {
  it('keeps the error name, message and status, and drops the stack', async () => {
    const res = await request(
      appWith(new InputError('kind: must start with a letter')),
    ).get('/fail');
    expect(res.status).toBe(400);
    expect(res.body.error).toEqual({
      name: 'InputError',
      message: 'kind: must start with a letter',
    });
    expect(JSON.stringify(res.body)).not.toContain('at ');
    expect(res.body.response).toEqual({ statusCode: 400 });
  });

  it('leaves other JSON bodies alone', async () => {
    const res = await request(appWith(new Error('unused'))).get('/ok');
    expect(res.body).toEqual({ error: 'not an error body', stack: 'kept' });
  });
});
