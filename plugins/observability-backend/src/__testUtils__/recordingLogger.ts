import {
  coreServices,
  createServiceFactory,
  LoggerService,
} from '@backstage/backend-plugin-api';

/**
 * The plugin's logger, keeping its warnings in `warnings`: some findings (an
 * alert storm) reach operators only through the log.
 */
export function recordingLoggerFactory(warnings: string[]) {
  const logger: LoggerService = {
    child: () => logger,
    debug: () => {},
    info: () => {},
    error: () => {},
    warn: (message: string) => {
      warnings.push(message);
    },
  };
  return createServiceFactory({
    service: coreServices.logger,
    deps: {},
    factory: () => logger,
  });
}
