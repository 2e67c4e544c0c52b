/**
 * Entry point: `node --require @backstage/cli/config/nodeTransform.cjs
 * packages/demo-service/src/main.ts`. Settings come from env vars (see
 * README); stops cleanly on SIGINT/SIGTERM.
 */
import pino from 'pino';
import { readDemoServiceEnv } from './env';
import { createDemoService } from './service';
import { startTrafficGenerator, type TrafficGenerator } from './traffic';

async function main() {
  let env;
  try {
    env = readDemoServiceEnv(process.env);
  } catch (error) {
    process.stderr.write(`demo-service: ${(error as Error).message}\n`);
    process.exit(2);
  }
  const logger = pino({
    level: env.logLevel,
    base: { service: env.serviceName },
    timestamp: pino.stdTimeFunctions.isoTime,
  });
  const service = createDemoService({
    serviceName: env.serviceName,
    baseLatencyMs: env.baseLatencyMs,
    faults: env.faults,
    logger,
  });
  const { url } = await service.listen(env.port, env.host);
  let traffic: TrafficGenerator | undefined;
  if (env.trafficRate > 0) {
    traffic = startTrafficGenerator({
      baseUrl: url,
      ratePerSecond: env.trafficRate,
    });
    logger.info(
      { ratePerSecond: env.trafficRate },
      'traffic generator started',
    );
  }
  const stop = async (signal: string) => {
    logger.info({ signal }, 'stopping');
    await traffic?.stop();
    await service.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

main().catch(error => {
  process.stderr.write(`demo-service: ${(error as Error).stack ?? error}\n`);
  process.exit(1);
});
