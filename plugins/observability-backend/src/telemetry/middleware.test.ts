import { mockServices } from '@backstage/backend-test-utils';
import { metricsServiceMock } from '@backstage/backend-test-utils/alpha';
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
      /redline_http_request_duration_seconds_count\{method="GET",route="\/thing\/:id",status="200"\} 1/,
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
      /redline_http_request_duration_seconds_count\{method="GET",route="unmatched",status="404"\} 2/,
    );
  });

  it("records the same durations through Backstage's metrics service", async () => {
    const service = metricsServiceMock.mock();
    const metrics = ObservabilityMetrics.create({ metrics: service });
    const app = express()
      .use(
        createTelemetryMiddleware({
          logger: mockServices.logger.mock(),
          metrics,
        }),
      )
      .get('/thing/:id', (_req, res) => {
        res.json({});
      });
    await request(app).get('/thing/1');

    expect(service.createHistogram).toHaveBeenCalledWith(
      'redline.http.request.duration',
      expect.objectContaining({ unit: 's' }),
    );
    const histogram = service.createHistogram.mock.results[0].value;
    expect(histogram.record).toHaveBeenCalledTimes(1);
    const [seconds, attributes] = histogram.record.mock.calls[0];
    expect(attributes).toEqual({
      method: 'GET',
      route: '/thing/:id',
      status: '200',
    });
    expect(seconds).toBeGreaterThan(0);
    expect(seconds).toBeLessThan(10);
    expect(await metrics.registry.metrics()).toMatch(
      /redline_http_request_duration_seconds_count\{method="GET",route="\/thing\/:id",status="200"\} 1/,
    );
  });

  it('counts into both sinks under the conventional names', async () => {
    const service = metricsServiceMock.mock();
    const metrics = ObservabilityMetrics.create({ metrics: service });
    metrics.alertsConfigured.inc({ target: 'prometheus' }, 3);

    expect(service.createCounter.mock.calls.map(([name]) => name)).toEqual([
      'redline.dashboards.created',
      'redline.alerts.configured',
      'redline.incidents.analyzed',
    ]);
    const alerts = service.createCounter.mock.results[1].value;
    expect(alerts.add).toHaveBeenCalledWith(3, { target: 'prometheus' });
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/^# TYPE redline_alerts_configured_total counter$/m);
    expect(text).toMatch(
      /^redline_alerts_configured_total\{target="prometheus"\} 3$/m,
    );
  });

  it('gives each backend its own registry', () => {
    expect(() => {
      ObservabilityMetrics.create();
      ObservabilityMetrics.create();
    }).not.toThrow();
  });

  it('aborts the work of a request whose client went away, and only then', async () => {
    const logger = mockServices.logger.mock();
    logger.child.mockReturnValue(logger);
    const seen: Array<Promise<boolean>> = [];
    const app = express()
      .use(
        createTelemetryMiddleware({
          logger,
          metrics: ObservabilityMetrics.create(),
        }),
      )
      .get('/slow', req => {
        const { signal } = getRequestContext(req, logger);
        seen.push(
          new Promise(resolve =>
            signal!.addEventListener('abort', () => resolve(true)),
          ),
        );
        // Never answers: the client gives up first.
      })
      .get('/fast', (req, res) => {
        const { signal } = getRequestContext(req, logger);
        res.json({});
        res.on('close', () => seen.push(Promise.resolve(signal!.aborted)));
      });

    const server = app.listen(0);
    try {
      const { port } = server.address() as { port: number };
      const client = new AbortController();
      const pending = fetch(`http://127.0.0.1:${port}/slow`, {
        signal: client.signal,
      }).catch(() => undefined);
      while (seen.length === 0) await new Promise(r => setTimeout(r, 5));
      client.abort();
      await pending;
      await expect(seen[0]).resolves.toBe(true);

      await fetch(`http://127.0.0.1:${port}/fast`);
      while (seen.length < 2) await new Promise(r => setTimeout(r, 5));
      await expect(seen[1]).resolves.toBe(false);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
