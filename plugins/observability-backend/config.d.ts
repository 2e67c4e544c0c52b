import type { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

export interface Config {
  /** Redline observability-as-code settings. */
  observability?: {
    /**
     * Base URL of the portal, used for absolute runbook links when an entity
     * has no `redline.dev/runbook-url`. Defaults to `app.baseUrl`.
     */
    portalBaseUrl?: string;

    /**
     * How long an entity read from the catalog for one caller's tab serves
     * that caller's next views and downloads, in milliseconds. Default
     * 10000; 0 reads it every time. For one more such period an older
     * answer still serves while a single read fetches the next. Applying
     * always reads it afresh.
     */
    catalogCacheTtlMs?: number;

    /** Metric and label names the services expose. Defaults are the seed's. */
    metrics?: {
      /** Request counter, default `http_requests_total`. */
      requestsTotal?: string;
      /** Label on the counter that carries the HTTP status code, default `status`. */
      statusLabel?: string;
      /** Latency histogram base name, default `http_request_duration_seconds`. */
      durationHistogram?: string;
      /** Label identifying the service in every series, default `service`. */
      serviceLabel?: string;
      /** Bucket boundaries (seconds) services expose; latency SLO thresholds must be one of them. */
      histogramBuckets?: number[];
    };

    /** Prometheus servers Redline reads from and applies rules to. */
    prometheus?: {
      /**
       * Named instances. An entity picks one with
       * `redline.dev/prometheus-instance`; otherwise the one marked `default`
       * (or the first) is used.
       */
      instances?: Array<{
        /** Name an entity annotation refers to. */
        name: string;
        /** Base URL, e.g. `http://prometheus:9090`. */
        url: string;
        /**
         * Directory this Prometheus loads rule files from (its `rule_files`
         * glob must match `redline-*.yaml`). Required for the apply route.
         */
        rulesDirectory?: string;
        /**
         * Base URL of the rule evaluator when it is not `url`: it answers
         * `/api/v1/rules` and takes `POST /-/reload`, while `url` keeps
         * answering queries. With VictoriaMetrics, `url` is VictoriaMetrics
         * and `rulesUrl` is vmalert, e.g. `http://vmalert:8880`. Default: `url`.
         */
        rulesUrl?: string;
        /**
         * Sent as `X-Scope-OrgID` on every request, for Mimir's or Cortex's
         * Prometheus API (`url: http://mimir:8080/prometheus`): its queries
         * and its `/api/v1/rules`, which lists what the ruler holds for the
         * tenant, so the tab's checks see the rules a sync wrote there.
         */
        tenant?: string;
        /** Use this instance for entities without an instance annotation. */
        default?: boolean;
      }>;
      /** Timeout of one outbound request in milliseconds. Default 5000. */
      timeoutMs?: number;
      /**
       * How long one `/api/v1/rules` answer is reused for all entities, in
       * milliseconds, so checking N entities costs one call. Default 30000.
       * For one more such period an older answer still serves while a
       * single call fetches the next, so no view waits for the refresh.
       */
      rulesCacheTtlMs?: number;
      /**
       * How long the answer to one query (which series exist, which
       * histogram buckets) serves everyone asking the same, in milliseconds:
       * a tab refreshing, many people on one service's tab. Default 10000,
       * less than a typical scrape interval. For one more such period an
       * older answer still serves while a single call fetches the next.
       * Live RED values are kept on the same terms, read up to a multiple
       * of 15 s.
       */
      queryCacheTtlMs?: number;
    };

    /** Alertmanager settings: grouping timings of generated routes and live instances. */
    alertmanager?: {
      /** `group_wait` of generated routes, default `30s`. */
      groupWait?: string;
      /** `group_interval` of generated routes, default `5m`. */
      groupInterval?: string;
      /** `repeat_interval` of generated routes, default `4h`. */
      repeatInterval?: string;
      /**
       * Named instances for live alerts. An entity picks one with
       * `redline.dev/alertmanager-instance`; otherwise the default one.
       */
      instances?: Array<{
        /** Name an entity annotation refers to. */
        name: string;
        /** Base URL, e.g. `http://alertmanager:9093`. */
        url: string;
        /** Use this instance for entities without an instance annotation. */
        default?: boolean;
      }>;
      /**
       * More raw alerts than this for one entity count as an alert storm:
       * they are aggregated and the response says so. Default 20.
       */
      stormThreshold?: number;
      /**
       * How long one answer of an Alertmanager (the alerts of one service)
       * serves everyone asking the same, in milliseconds. Default 10000,
       * shorter than a typical `group_wait`. For one more such period an
       * older answer still serves while a single call fetches the next.
       */
      cacheTtlMs?: number;
    };

    /** Reachability check of runbook links. */
    runbookCheck?: {
      /**
       * Hosts Redline may contact to check a runbook link (exact host names,
       * or `*.example.com` for sub-domains). Links to other hosts are reported
       * as `unknown` ("host not allowed") and never fetched.
       */
      allowedHosts?: string[];
      /** Timeout of one check in milliseconds. Default 3000. */
      timeoutMs?: number;
    };

    /**
     * The always-firing `Watchdog` alert generated into every rule file
     * (a dead-man's switch): routed by each team's Alertmanager route to a
     * `<team>-heartbeat` receiver, so an external dead-man's-switch service
     * alarms when the heartbeats stop, i.e. when Prometheus stopped
     * evaluating rules. The tab also says so when the Watchdog is missing
     * from Alertmanager.
     */
    watchdog?: {
      /**
       * Webhook URL of the dead-man's-switch service that receives the
       * heartbeats. Not set: the receiver has no integration (the Watchdog
       * still fires and the tab still watches it).
       */
      heartbeatUrl?: string;
      /** How often a heartbeat is sent (Alertmanager duration). Default 1m. */
      repeatInterval?: string;
    };

    /**
     * Component `spec.type`s that serve requests (default `['service']`):
     * only these get RED targets, SLOs and alerts. A library or static
     * website is shown for what it is (see docs/annotations.md).
     */
    servingComponentTypes?: string[];

    /** Which hosts `redline.dev/alert-webhook` may point Alertmanager at. */
    alertWebhook?: {
      /**
       * Hosts a webhook may use (exact host names, or `*.example.com` for
       * sub-domains; the same rule as `runbookCheck.allowedHosts`). Not set:
       * any public host, but never an internal one (loopback, private and
       * link-local addresses, cloud metadata, `localhost`, single-label
       * names, `*.internal`, `*.local`, …). A refused webhook is left out of
       * the generated Alertmanager config and reported as a finding
       * (`alertmanager.webhook-host-not-allowed`) on the entity.
       */
      allowedHosts?: string[];
    };

    /**
     * The seed's retry policy for outbound calls (timeouts, connection errors,
     * 5xx and 429 answers only): exponential backoff with jitter.
     */
    retry?: {
      /** Total attempts including the first. Default 3. */
      attempts?: number;
      /** Delay before the second attempt in milliseconds. Default 1000. */
      initialDelayMs?: number;
      /** Upper bound of one delay in milliseconds. Default 8000. */
      maxDelayMs?: number;
      /**
       * After a target (one Prometheus, Alertmanager or runbook host) failed
       * every attempt, calls to it fail at once for this many milliseconds —
       * views degrade immediately instead of each waiting out the retries.
       * Default 30000; 0 turns it off.
       */
      openCircuitMs?: number;
    };

    /** Limits of every outbound call (Prometheus, Alertmanager, runbook links). */
    outbound?: {
      /**
       * Largest answer body read, in bytes; a larger answer fails (and counts
       * against the target's circuit) without being parsed. Default 4194304
       * (4 MiB); raise it for a Prometheus with very many rules.
       */
      maxResponseBytes?: number;
    };

    /** The entity tab's view. */
    view?: {
      /**
       * How long the view waits for Prometheus, Alertmanager, runbook links
       * and the catalog, in milliseconds, however many retries are pending.
       * At the deadline it answers with the facts that arrived; the others
       * are `unknown` with the reason. Default 5000.
       */
      deadlineMs?: number;
    };

    /** The apply route. */
    apply?: {
      /**
       * Path or name of `promtool`, used to validate rule files before they
       * are written. Default `promtool` from `PATH`; when it is missing the
       * response says `validated: skipped`.
       */
      promtoolPath?: string;
    };

    /** Coverage evaluation across the catalog. */
    coverage?: {
      /**
       * How often the coverage of all entities is evaluated (one worker
       * across replicas). Default every 30 minutes with a 10 minute timeout.
       */
      schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
    };

    /**
     * Where rule groups are delivered, each with the options of its type.
     * Redline only touches what it wrote there: `redline-*.yaml` files with
     * its owner header, or ruler namespaces starting with `namespacePrefix`.
     */
    ruleTargets?: Array<{
      /** Unique among the targets. */
      name: string;
      /**
       * `prometheus-file`: rule files in a Prometheus' rules directory, then
       * `POST /-/reload`. `vmalert-file`: the same for VictoriaMetrics'
       * vmalert, deployed rules read back from its `/api/v1/rules`.
       * `mimir-ruler`: the Grafana Mimir / Cortex / GEM ruler API.
       */
      type: 'prometheus-file' | 'vmalert-file' | 'mimir-ruler';
      /**
       * Only these teams' entities (group refs; `team-a` means
       * `group:default/team-a`) are synced into this target, and an entity
       * that changes owner leaves it. With one `mimir-ruler` target per
       * tenant, each team's rules go to its own tenant. Default: every entity.
       */
      owners?: string[];
      /** Prometheus', vmalert's or the ruler's base URL. */
      url: string;
      /** `prometheus-file` and `vmalert-file`: the directory the engine's rule glob reads. */
      rulesDirectory?: string;
      /** `vmalert-file`: vmalert's `-evaluationInterval` in seconds. Default 60. */
      evaluationIntervalSeconds?: number;
      /** `mimir-ruler`: path of the rules API. Default `/prometheus/config/v1/rules`; Cortex: `/api/v1/rules`. */
      rulesPath?: string;
      /** `mimir-ruler`: sent as `X-Scope-OrgID`. */
      tenant?: string;
      /** `mimir-ruler`: what the namespaces Redline owns start with. Default `redline-`. */
      namespacePrefix?: string;
      /** `mimir-ruler`: basic auth user. */
      username?: string;
      /**
       * `mimir-ruler`: basic auth password.
       * @visibility secret
       */
      password?: string;
      /**
       * `mimir-ruler`: sent as `Authorization: Bearer`, instead of basic auth.
       * @visibility secret
       */
      bearerToken?: string;
      /**
       * `mimir-ruler`: cap in bytes on the answer listing every namespace,
       * read once per sync; about 5 KB per entity. Default 268435456 (256 MiB).
       */
      listMaxBytes?: number;
    }>;

    /**
     * The catalog-wide rule sync (`POST /api/observability/sync`, `redline
     * sync`), and its scheduled run: off unless both `target` and
     * `schedule` are set.
     */
    sync?: {
      /**
       * Name of the `ruleTargets` entry the scheduled sync fills, or a list
       * of them (a target per tenant), synced one after another.
       */
      target?: string | string[];
      /** How often the scheduled sync runs, e.g. `{ frequency: { hours: 1 }, timeout: { minutes: 30 } }`. */
      schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
      /** Namespaces changed per batch. Default 50. */
      batchSize?: number;
      /** Namespaces changed at once within a batch. Default 4. */
      concurrency?: number;
      /** Pause between batches in milliseconds. Default 250. */
      pauseMs?: number;
    };
  };
}
