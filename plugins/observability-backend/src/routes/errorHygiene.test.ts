import { mockErrorHandler, mockServices } from '@backstage/backend-test-utils';
import { InputError, NotFoundError } from '@backstage/errors';
import express from 'express';
import Router from 'express-promise-router';
import request from 'supertest';
import { lockedCatalogError } from '../__testUtils__/catalogErrors';
import { catalogError } from '../services/catalogErrors';
import { createErrorHygiene } from './errorHygiene';

function appThrowing(error: () => unknown | Promise<unknown>) {
  const logger = mockServices.logger.mock();
  const router = Router();
  router.get('/', async () => {
    throw await error();
  });
  router.use(createErrorHygiene(logger));
  return { logger, app: express().use(router).use(mockErrorHandler()) };
}

describe('createErrorHygiene', () => {
  it('keeps the status and message of errors written for people, not their cause', async () => {
    const { app, logger } = appThrowing(
      () => new NotFoundError('No entity found', new Error('select 1 from x')),
    );
    const res = await request(app).get('/');
    expect(res.status).toBe(404);
    expect(res.body.error).toEqual({
      name: 'NotFoundError',
      message: 'No entity found',
    });
    expect(logger.warn).toHaveBeenCalled();
  });

  it('answers an upstream ResponseError as 503 without its body', async () => {
    const { app } = appThrowing(lockedCatalogError);
    const res = await request(app).get('/');
    expect(res.status).toBe(503);
    expect(res.body.error.name).toBe('ServiceUnavailableError');
    expect(res.text).not.toMatch(/final_entities|SQLITE|knex/);
  });

  it('answers the catalog mapping with its message only', async () => {
    const { app } = appThrowing(async () =>
      catalogError(await lockedCatalogError()),
    );
    const res = await request(app).get('/');
    expect(res.status).toBe(503);
    expect(res.body.error).toEqual({
      name: 'ServiceUnavailableError',
      message:
        'The catalog did not answer (500 Internal Server Error); try again',
    });
  });

  it('hides what an unexpected error says, and logs it under the id it answers', async () => {
    const { app, logger } = appThrowing(() =>
      Object.assign(new Error("EACCES: permission denied, open '/work/x'"), {
        errno: -13,
        syscall: 'open',
      }),
    );
    const res = await request(app).get('/');
    expect(res.status).toBe(500);
    expect(res.text).not.toMatch(/EACCES|errno|syscall|\/work\//);
    const id = /log id ([0-9a-f]+)/.exec(res.body.error.message)![1];
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining(id),
      expect.objectContaining({ syscall: 'open' }),
    );
  });

  it('passes a typed error without a cause through unchanged in substance', async () => {
    const { app, logger } = appThrowing(() => new InputError('Invalid x: y'));
    const res = await request(app).get('/');
    expect(res.status).toBe(400);
    expect(res.body.error).toEqual({
      name: 'InputError',
      message: 'Invalid x: y',
    });
    expect(logger.warn).not.toHaveBeenCalled();
  });
});
