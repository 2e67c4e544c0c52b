import { mockServices } from '@backstage/backend-test-utils';
import express from 'express';
import request from 'supertest';
import { getRequestContext } from './context';
import { ObservabilityMetrics } from './metrics';
import { createTelemetryMiddleware } from './middleware';

describe('createTelemetryMiddleware', () => {
  it('binds the correlation ID to a child logger the route can use', async () => {
    const logger = mockServices.logger.mock();
    const child = mockServices.logger.mock();
    logger.child.mockReturnValue(child);
    const metrics = ObservabilityMetrics.create();
    const app = express()
      .use(createTelemetryMiddleware({ logger, metrics }))
      .get('/thing/:id', (req, res) => {
        const ctx = getRequestContext(req, logger);
        ctx.logger.info('handled');
        res.json({ correlationId: ctx.correlationId });
      });

    const res = await request(app)
      .get('/thing/1')
      .set('x-correlation-id', 'req-42');
    expect(res.body).toEqual({ correlationId: 'req-42' });
    expect(res.headers['x-correlation-id']).toBe('req-42');
    expect(logger.child).toHaveBeenCalledWith({
      correlationId: 'req-42',
      traceId: expect.any(String),
    });
    expect(child.info).toHaveBeenCalledWith('handled');
    // Without a tracer provider the API hands out an all-zero (non-recording) trace.
    expect(child.debug).toHaveBeenCalledWith(
      'Trace context missing. Generating new trace ID.',
    );

    const text = await metrics.registry.metrics();
    expect(text).toMatch(
      /avg_response_time_count\{method="GET",route="\/thing\/:id",status="200"\} 1/,
    );
  });

  it('labels unmatched paths as such, keeping label cardinality bounded', async () => {
    const metrics = ObservabilityMetrics.create();
    const app = express().use(
      createTelemetryMiddleware({
        logger: mockServices.logger.mock(),
        metrics,
      }),
    );
    await request(app).get('/random/abc');
    await request(app).get('/random/def');
    expect(await metrics.registry.metrics()).toMatch(
      /avg_response_time_count\{method="GET",route="unmatched",status="404"\} 2/,
    );
  });

  it('gives each backend its own registry', () => {
    expect(() => {
      ObservabilityMetrics.create();
      ObservabilityMetrics.create();
    }).not.toThrow();
  });
});
