import type { LoggerService } from '@backstage/backend-plugin-api';
import type { DeployedRulesSnapshot } from '@redline/backstage-plugin-observability-common';
import { backgroundContext } from '../telemetry/context';
import type { LiveFactsSource } from './CoverageEvaluator';
import { selectInstance } from './config';
import type { PrometheusClient } from './PrometheusClient';

/**
 * The coverage evaluation's view of Prometheus: one rules snapshot per
 * instance per cycle, through the same cached, retried client the entity
 * view uses (so a view right after an evaluation costs no extra call).
 * @public
 */
export class PrometheusLiveFacts implements LiveFactsSource {
  readonly #clients: PrometheusClient[];
  readonly #logger: LoggerService;

  static create(options: {
    prometheus: PrometheusClient[];
    logger: LoggerService;
  }) {
    return new PrometheusLiveFacts(options.prometheus, options.logger);
  }

  private constructor(clients: PrometheusClient[], logger: LoggerService) {
    this.#clients = clients;
    this.#logger = logger;
  }

  async fetchDeployedRules(
    instance: string | undefined,
  ): Promise<DeployedRulesSnapshot> {
    const { instance: chosen, reason } = selectInstance(
      this.#clients.map(c => c.instance),
      instance,
    );
    const client = this.#clients.find(c => c.instance === chosen);
    if (!client) return { status: 'unknown', reason: `Prometheus: ${reason}` };
    const ctx = backgroundContext(this.#logger, {
      task: 'coverage',
      prometheus: client.instance.name,
    });
    try {
      const snapshot = await client.rules(ctx);
      return { status: 'ok', rules: snapshot.loadedRules() };
    } catch (error) {
      const err = error as { message?: string; attempts?: number };
      return {
        status: 'unknown',
        reason: `${err.message ?? String(error)}${
          err.attempts ? ` after ${err.attempts} attempts` : ''
        }`,
      };
    }
  }
}
