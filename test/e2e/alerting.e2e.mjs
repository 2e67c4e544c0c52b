#!/usr/bin/env node
/**
 * Live alerting end-to-end test, with the real programs, on either engine
 * (`engine: 'prometheus'`, the default, or `'victoriametrics'`: VictoriaMetrics
 * answering queries, vmalert evaluating the rules):
 *
 *   apply checkout's generated rules through the portal API
 *   -> the rule evaluator has loaded them (/api/v1/rules)
 *   -> inject 100 % errors into the demo service
 *   -> SLOErrorBudgetBurn (burn_window=fast) and HighErrorRate fire
 *   -> Alertmanager (generated routing) delivers them to a local webhook with
 *      runbook_url and dashboard_url that answer 200 from the portal
 *   -> the entity view's checks report the rules deployed and the alerts firing
 *   -> the datasource stopped: the entity view still answers with the
 *      fallback status after the seed's 3 attempts.
 *
 * Run alone: `node test/e2e/alerting.e2e.mjs [--engine victoriametrics]`
 * (exit 0 = all PASS, 1 = a FAIL, 0 with a SKIP line when the engine's
 * programs are missing outside CI).
 * From another script: `const { runAlertingE2E } = await import('./alerting.e2e.mjs');
 * const { ok, skipped } = await runAlertingE2E();` — it calls process.exit only on
 * SIGINT/SIGTERM (after stopping everything it started).
 *
 * Env: REDLINE_E2E_REUSE_BUILD=1 reuses packages/app/dist (see portal.mjs),
 * REDLINE_E2E_KEEP=1 keeps the temporary directory with every program's log,
 * REDLINE_E2E_VERBOSE=1 echoes the portal's output.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { parse } from 'yaml';
import { ProcessGroup, sleep, waitUntil } from '../stack/processes.mjs';
import {
  alertmanagerAlerts,
  prometheusAlerts,
  prometheusQuery,
  prometheusRules,
} from '../stack/monitoring.mjs';
import {
  ENGINES,
  checkEngine,
  findCatalogEntity,
  portalConfig,
  requireStackBinaries,
  startMonitoringStack,
  withoutAnnotations,
  writeCatalogVariant,
  EXTERNAL_LINK_ANNOTATIONS,
} from '../stack/stack.mjs';
import {
  applyRules,
  entityView,
  guestToken,
  portalApi,
} from '../stack/portal-api.mjs';
import { startPortal } from '../stack/portal.mjs';
import { buildFrontend } from './portal.mjs';

const ENTITY = { kind: 'component', namespace: 'default', name: 'checkout' };
/** The issue's budget for the whole test. */
const TOTAL_BUDGET_MS = 10 * 60_000;
/** Alertmanager timings for the generated routes: the defaults (30s/5m) would only slow the test down. */
/** Short enough to wait out once in the last step. */
const OPEN_CIRCUIT_MS = 4000;
/** The seed's backoff (1 s, then 2 s, before jitter) between retries. */
const RETRY_GAP_MAX_MS = 2000;
const ALERT_TIMINGS = {
  groupWait: '2s',
  groupInterval: '10s',
  repeatInterval: '1h',
};

/**
 * Runs the test. Resolves `{ ok, skipped, results }`; logs one PASS/FAIL line
 * per step through `log`. `build: false` when the caller has just built
 * packages/app (the smoke e2e does). `engine`: see the file comment.
 */
export async function runAlertingE2E({
  log = console.log,
  build = true,
  engine = 'prometheus',
} = {}) {
  checkEngine(engine);
  // Step names say which program did what: "vmalert has loaded…", "…fires in Prometheus".
  const { datasource, evaluator } = ENGINES[engine];
  const results = [];
  const testStarted = Date.now();
  const elapsed = () => `${((Date.now() - testStarted) / 1000).toFixed(0)} s`;
  // A failed step stops the run unless later steps do not depend on it
  // (`{ independent: true }`): then the run goes on, so one run reports every
  // failure it can, and still fails at the end.
  const step = async (name, fn, { independent = false } = {}) => {
    const started = Date.now();
    try {
      const detail = await fn();
      results.push({ name, ok: true });
      log(
        `PASS ${name}${detail ? ` — ${detail}` : ''} (${(
          (Date.now() - started) /
          1000
        ).toFixed(1)} s, t=${elapsed()})`,
      );
    } catch (error) {
      results.push({ name, ok: false, error: error.message });
      log(`FAIL ${name}: ${error.message} (t=${elapsed()})`);
      if (!independent) throw error;
    }
  };

  let binaries;
  try {
    binaries = requireStackBinaries(engine);
  } catch (error) {
    log(`FAIL alerting e2e: ${error.message}`);
    return {
      ok: false,
      skipped: false,
      results: [{ name: 'binaries', ok: false, error: error.message }],
    };
  }
  if (!binaries) {
    log(
      `SKIP alerting e2e: ${
        engine === 'victoriametrics'
          ? 'victoria-metrics / vmalert'
          : 'prometheus'
      } / prometheus-alertmanager not installed (see the warning above)`,
    );
    return { ok: true, skipped: true, results };
  }

  const workDir = mkdtempSync(
    join(tmpdir(), `redline-alerting-e2e-${engine}-`),
  );
  const group = new ProcessGroup();
  let stack;
  let portal;
  let stub;
  // Every wait is capped by what is left of the 10 minute budget, so a stuck
  // step fails in time instead of the whole run hanging.
  const within = ms =>
    Math.max(1000, Math.min(ms, testStarted + TOTAL_BUDGET_MS - Date.now()));
  const cleanup = async () => {
    await stub?.close();
    await portal?.stop();
    await stack?.stopInProcess();
    await group.stopAll();
  };
  const onSignal = () => cleanup().finally(() => process.exit(130));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    // The demo catalog's checkout links example.com runbook and dashboard
    // pages, which no test can get a 200 from. The portal under test reads a
    // copy of the catalog without those two annotations, so the generator
    // links the portal's own runbook pages and Observability tab. Everything
    // else (SLOs, thresholds, owner, routing annotations) is the catalog's.
    const checkout = withoutAnnotations(
      findCatalogEntity(ENTITY.kind, ENTITY.name, ENTITY.namespace),
    );
    const catalogLocations = writeCatalogVariant(workDir, ENTITY);
    log(
      `note: checkout is served without ${EXTERNAL_LINK_ANNOTATIONS.join(
        ', ',
      )} (example.com links cannot answer 200)`,
    );
    let token;
    let appliedRulesFile;
    // On VictoriaMetrics Apply goes through a vmalert-file rule target, as
    // an organisation running vmalert configures it; on Prometheus through
    // the instance's rules directory.
    let ruleTarget;
    let injectedAt;
    let generated;

    if (build) {
      await step(
        'frontend built (the portal serves it for the runbook and dashboard links)',
        async () => {
          buildFrontend();
          return 'packages/app/dist';
        },
      );
    }

    await step(
      `stack started (webhook, demo service + traffic, Alertmanager with generated routing, ${
        datasource === evaluator ? datasource : `${datasource} + ${evaluator}`
      })`,
      async () => {
        stack = await startMonitoringStack(group, {
          workDir,
          binaries,
          engine,
          scrapeInterval: '1s',
          evaluationInterval: '1s',
          trafficRate: 20,
          entity: checkout,
          generatorConfig: { alertmanager: ALERT_TIMINGS },
        });
        const engineUrls =
          stack.datasource === stack.evaluator
            ? `${datasource} ${stack.datasource.url}`
            : `${datasource} ${stack.datasource.url}, ${evaluator} ${stack.evaluator.url}`;
        return `${engineUrls}, alertmanager ${stack.alertmanager.url}, webhook ${stack.webhook.url}`;
      },
    );

    await step('portal started against the stack', async () => {
      if (engine === 'victoriametrics')
        ruleTarget = {
          name: 'vmalert',
          type: 'vmalert-file',
          rulesDirectory: stack.rulesDir,
          url: stack.evaluator.url,
        };
      portal = await startPortal(group, {
        workDir,
        echo: Boolean(process.env.REDLINE_E2E_VERBOSE),
        extraConfig: portalConfig(stack, {
          entity: checkout,
          catalogLocations,
          generatorConfig: { alertmanager: ALERT_TIMINGS },
          // One /api/v1/rules answer is reused for 30 s by default; the test
          // looks again within seconds.
          // The circuit opened after a target failed every attempt stays open
          // 30 s by default; the test waits for it to close once.
          observability: {
            prometheus: { rulesCacheTtlMs: 500, queryCacheTtlMs: 500 },
            alertmanager: { cacheTtlMs: 500 },
            retry: { openCircuitMs: OPEN_CIRCUIT_MS },
            ...(ruleTarget ? { ruleTargets: [ruleTarget] } : {}),
            // No scheduled coverage run during the test: one asking the
            // stopped datasource at the moment the circuit lets its trial
            // through would share that circuit with the view, and the step
            // that counts the view's 3 attempts would count fewer.
            coverage: {
              schedule: {
                frequency: { hours: 24 },
                timeout: { minutes: 10 },
                initialDelay: { hours: 1 },
              },
            },
          },
        }),
      });
      token = await guestToken(portal.baseUrl);
      expect(
        portal.servesApp,
        `${portal.baseUrl}/ is not the built app: packages/app/dist/static was missing when the backend started (a build running at the same time?)`,
      );
      return `${portal.baseUrl}, serving packages/app/dist`;
    });

    await step(
      'entity view answers before anything is applied: rules not deployed',
      async () => {
        const view = await entityView(portal.baseUrl, ENTITY, { token });
        expect(
          view.status === 200,
          `GET entity view: HTTP ${view.status} ${JSON.stringify(
            view.body,
          ).slice(0, 300)}`,
        );
        generated = view.body;
        const names = new Set(generated.alerts.map(a => a.name));
        for (const name of ['HighErrorRate', 'SLOErrorBudgetBurn']) {
          expect(
            names.has(name),
            `generated alerts lack ${name}: ${[...names].join(', ')}`,
          );
        }
        expect(
          generated.alerts.some(
            a => a.key.endsWith(':fast') && a.name === 'SLOErrorBudgetBurn',
          ),
          'no fast-burn SLOErrorBudgetBurn alert was generated (does checkout declare an availability SLO?)',
        );
        const check = checkById(generated, 'deployment.rules-loaded');
        expect(
          check.status === 'fail',
          `deployment.rules-loaded should fail before apply, is ${check.status}: ${check.message}`,
        );
        return `${generated.alerts.length} generated alerts; deployment.rules-loaded=${check.status}`;
      },
    );

    await step(
      `apply checkout rules through POST /api/observability/entity/component/default/checkout/apply${
        ruleTarget ? ` to rule target '${ruleTarget.name}'` : ''
      }`,
      async () => {
        const applied = await applyRules(portal.baseUrl, ENTITY, {
          token,
          body: ruleTarget ? { target: ruleTarget.name } : {},
        });
        expect(
          applied.target === ruleTarget?.name,
          `applied to target ${applied.target}, expected ${ruleTarget?.name}`,
        );
        expect(
          applied.validated === 'promtool',
          `validated: ${applied.validated} (promtool should check the file)`,
        );
        expect(
          applied.reload?.status === 'ok',
          `reload: ${JSON.stringify(applied.reload)}`,
        );
        const written = readdirSync(stack.rulesDir);
        expect(
          written.length === 1 && /^redline-.*\.yaml$/.test(written[0]),
          `rules dir holds ${JSON.stringify(written)}`,
        );
        appliedRulesFile = join(stack.rulesDir, written[0]);
        return `${applied.path}, validated by ${applied.validated}, reload ${applied.reload.status}`;
      },
    );

    await step(
      `${evaluator} has loaded the generated rules (/api/v1/rules)`,
      async () => {
        const groups = await waitUntil(
          'the applied groups in /api/v1/rules',
          async () => {
            const loaded = (await prometheusRules(stack.evaluator.url)).filter(
              g => g.file === appliedRulesFile,
            );
            return loaded.length > 0 && loaded;
          },
          { timeoutMs: within(30_000) },
        );
        const loadedAlerts = new Set(
          groups
            .flatMap(g => g.rules)
            .filter(r => r.type === 'alerting')
            .map(r => r.name),
        );
        // Everything in the file the portal wrote must be loaded, group by group.
        const file = parse(readFileSync(appliedRulesFile, 'utf8'));
        expect(
          JSON.stringify(file.groups.map(g => g.name).sort()) ===
            JSON.stringify(groups.map(g => g.name).sort()),
          `groups in the file ${file.groups.map(
            g => g.name,
          )} vs loaded ${groups.map(g => g.name)}`,
        );
        for (const name of file.groups
          .flatMap(g => g.rules)
          .filter(r => r.alert)
          .map(r => r.alert)) {
          expect(loadedAlerts.has(name), `alert ${name} not loaded`);
        }
        for (const name of ['HighErrorRate', 'SLOErrorBudgetBurn'])
          expect(loadedAlerts.has(name), `alert ${name} not loaded`);
        const unhealthy = groups
          .flatMap(g => g.rules)
          .filter(r => r.health === 'err');
        expect(
          unhealthy.length === 0,
          `rules with evaluation errors: ${unhealthy
            .map(r => `${r.name}: ${r.lastError}`)
            .join('; ')}`,
        );
        return `${groups.length} groups (${groups
          .map(g => g.name)
          .join(', ')}), alerts: ${[...loadedAlerts].join(', ')}`;
      },
    );

    await step(
      'recording rules produce the RED series from the demo service, nothing fires at 0 % errors',
      async () => {
        const rate = await waitUntil(
          'service:http_requests:rate5m{service="checkout"} > 0',
          async () => {
            const [sample] = await prometheusQuery(
              stack.datasource.url,
              'service:http_requests:rate5m{service="checkout"}',
            );
            return (
              sample && Number(sample.value[1]) > 0 && Number(sample.value[1])
            );
          },
          { timeoutMs: within(30_000) },
        );
        // Negative control: the same rules stay quiet while the service is healthy.
        await sleep(3000);
        const active = (await prometheusAlerts(stack.evaluator.url)).filter(
          a => a.labels.service === 'checkout',
        );
        expect(
          active.length === 0,
          `alerts active before any fault: ${active
            .map(a => `${a.labels.alertname}(${a.state})`)
            .join(', ')}`,
        );
        return `rate5m = ${rate.toFixed(2)} req/s, no alert active`;
      },
    );

    await step('inject 100 % errors (POST /admin/faults)', async () => {
      const settings = await stack.setFaults({ errorRate: 1 });
      injectedAt = Date.now();
      expect(
        settings.errorRate === 1,
        `fault switch answered ${JSON.stringify(settings)}`,
      );
      return JSON.stringify(settings);
    });

    const sinceInjection = () =>
      `${((Date.now() - injectedAt) / 1000).toFixed(0)} s after injection`;
    const deliveredLinks = new Map();

    const awaitDelivery = async (what, predicate, timeoutMs) => {
      const alert = await stack.webhook.waitForAlert(
        what,
        a => a.status === 'firing' && predicate(a),
        {
          timeoutMs: within(timeoutMs),
          intervalMs: 1000,
        },
      );
      for (const key of ['runbook_url', 'dashboard_url']) {
        const url = alert.annotations[key];
        expect(
          typeof url === 'string' && url.startsWith(portal.baseUrl),
          `${key} ${url} is not a portal link (${portal.baseUrl})`,
        );
        deliveredLinks.set(url, key);
      }
      expect(
        alert.labels.team &&
          alert.path === `/${encodeURIComponent(alert.labels.team)}`,
        `delivered through ${alert.path}, team ${alert.labels.team}`,
      );
      return alert;
    };

    await step(
      `SLOErrorBudgetBurn{burn_window="fast"} fires in ${evaluator}`,
      async () => {
        await waitUntil(
          'SLOErrorBudgetBurn fast burn firing',
          async () =>
            (
              await prometheusAlerts(stack.evaluator.url)
            ).some(
              a =>
                a.labels.alertname === 'SLOErrorBudgetBurn' &&
                a.labels.burn_window === 'fast' &&
                a.state === 'firing',
            ),
          { timeoutMs: within(120_000), intervalMs: 1000 },
        );
        return sinceInjection();
      },
    );

    await step(
      'Alertmanager delivers the fast burn to the team webhook with runbook_url and dashboard_url',
      async () => {
        const alert = await awaitDelivery(
          'SLOErrorBudgetBurn fast at the webhook',
          a =>
            a.labels.alertname === 'SLOErrorBudgetBurn' &&
            a.labels.burn_window === 'fast',
          60_000,
        );
        return `${sinceInjection()}, receiver ${alert.receiver}, severity ${
          alert.labels.severity
        }, runbook ${alert.annotations.runbook_url}`;
      },
    );

    await step(`HighErrorRate fires in ${evaluator} (for: 5m)`, async () => {
      await waitUntil(
        'HighErrorRate firing',
        async () =>
          (
            await prometheusAlerts(stack.evaluator.url)
          ).some(
            a =>
              a.labels.alertname === 'HighErrorRate' &&
              a.labels.service === 'checkout' &&
              a.state === 'firing',
          ),
        { timeoutMs: within(7 * 60_000), intervalMs: 2000 },
      );
      return sinceInjection();
    });

    await step(
      'Alertmanager delivers HighErrorRate to the team webhook with runbook_url and dashboard_url',
      async () => {
        const alert = await awaitDelivery(
          'HighErrorRate at the webhook',
          a => a.labels.alertname === 'HighErrorRate',
          60_000,
        );
        return `${sinceInjection()}, receiver ${alert.receiver}, severity ${
          alert.labels.severity
        }`;
      },
    );

    await step(
      'every delivered runbook_url and dashboard_url answers 200 from the portal',
      async () => {
        const checked = [];
        for (const [url, key] of deliveredLinks) {
          const res = await fetch(url, { redirect: 'manual' });
          const type = res.headers.get('content-type') ?? '';
          expect(res.status === 200, `${key} ${url}: HTTP ${res.status}`);
          expect(
            type.includes('text/html'),
            `${key} ${url}: content-type ${type}, expected the portal's HTML`,
          );
          checked.push(new URL(url).pathname);
        }
        // The SPA answers 200 for any route, so also prove each runbook exists
        // behind the page: the runbook API the page reads must have it.
        for (const [url, key] of deliveredLinks) {
          if (key !== 'runbook_url') continue;
          const alertName = decodeURIComponent(
            new URL(url).pathname.split('/').pop(),
          );
          const res = await portalApi(
            portal.baseUrl,
            `/api/observability/entity/${ENTITY.kind}/${ENTITY.namespace}/${
              ENTITY.name
            }/runbooks/${encodeURIComponent(alertName)}`,
            { token },
          );
          expect(
            res.status === 200 && res.body.markdown?.includes(alertName),
            `runbook API for ${alertName}: HTTP ${res.status}`,
          );
        }
        return checked.join(', ');
      },
      { independent: true },
    );

    await step(
      'entity view: checks report the rules deployed and the alerts firing',
      async () => {
        const view = await waitUntil(
          'deployment.rules-loaded=pass and alerts.firing listing both alerts',
          async () => {
            const res = await entityView(portal.baseUrl, ENTITY, { token });
            if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
            const deployed = checkById(res.body, 'deployment.rules-loaded');
            const firing = checkById(res.body, 'alerts.firing');
            if (deployed.status !== 'pass')
              throw new Error(
                `deployment.rules-loaded=${deployed.status}: ${deployed.message}`,
              );
            if (
              !/SLOErrorBudgetBurn/.test(firing.message) ||
              !/HighErrorRate/.test(firing.message)
            ) {
              throw new Error(
                `alerts.firing=${firing.status}: ${firing.message}`,
              );
            }
            return res.body;
          },
          { timeoutMs: within(30_000), intervalMs: 2000 },
        );
        const firingCheck = checkById(view, 'alerts.firing');
        expect(
          firingCheck.status === 'fail',
          `alerts.firing should be fail (a critical alert fires), is ${firingCheck.status}`,
        );
        const states = Object.fromEntries(view.alerts.map(a => [a.key, a]));
        const fast = view.alerts.find(
          a =>
            a.key.startsWith('SLOErrorBudgetBurn:') && a.key.endsWith(':fast'),
        );
        expect(
          states[fast.key]?.deployed === 'yes' && states[fast.key]?.firing,
          `alerts[${fast.key}] = ${JSON.stringify(states[fast.key])}`,
        );
        expect(
          states.HighErrorRate?.deployed === 'yes' &&
            states.HighErrorRate?.firing,
          `alerts.HighErrorRate = ${JSON.stringify(states.HighErrorRate)}`,
        );
        expect(
          view.live?.status === 'ok',
          `live.status = ${view.live?.status} (${view.live?.reason ?? ''})`,
        );
        const errors = view.live.values.find(v => v.signal === 'errors');
        expect(
          errors?.value !== null && errors.value > 50,
          `live error value ${errors?.value} %, expected ~100`,
        );
        return `rules-loaded=pass; ${
          firingCheck.message
        }; live errors ${errors.value.toFixed(0)} %`;
      },
      { independent: true },
    );

    await step(
      "entity view: every generated alert's firing state matches Alertmanager's active alerts, key by key",
      async () => {
        // A generated alert's key is its name plus the labels that tell
        // same-named alerts apart (SLO, burn window): SLOErrorBudgetBurn:availability:fast.
        const keyOf = labels =>
          [labels.alertname, labels.slo, labels.burn_window]
            .filter(Boolean)
            .join(':');
        // The view and this step ask Alertmanager at slightly different
        // moments, and the view's answer may be up to `cacheTtlMs` (500 ms)
        // old: an alert that changes state in between disagrees once. A
        // disagreement that lasts 3 s, six times that TTL, is wrong.
        const compare = async () => {
          const [res, active] = await Promise.all([
            entityView(portal.baseUrl, ENTITY, { token }),
            alertmanagerAlerts(stack.alertmanager.url, ['service="checkout"']),
          ]);
          expect(res.status === 200, `GET entity view: HTTP ${res.status}`);
          const keysIn = state =>
            new Set(
              active
                .filter(a => a.status.state === state)
                .map(a => keyOf(a.labels)),
            );
          const activeKeys = keysIn('active');
          // An inhibited alert (a slower burn silenced by the fast one) is
          // firing in the evaluator but muted in Alertmanager: either answer
          // is defensible. An alert Alertmanager has not got at all must not
          // show as firing, and an active one must.
          const suppressed = keysIn('suppressed');
          const describe = key =>
            activeKeys.has(key)
              ? 'active'
              : suppressed.has(key)
              ? 'suppressed (inhibited)'
              : 'has none';
          const wrong = res.body.alerts
            .filter(
              state =>
                !suppressed.has(state.key) &&
                state.firing !== activeKeys.has(state.key),
            )
            .map(
              state =>
                `${state.key}: view says ${
                  state.firing ? 'firing' : 'not firing'
                }, Alertmanager ${describe(state.key)}`,
            );
          return { wrong, activeKeys, suppressed };
        };
        let disagreements = 0;
        const agreed = await waitUntil(
          'the view and Alertmanager to agree on every alert',
          async () => {
            const answer = await compare();
            if (answer.wrong.length === 0) return answer;
            disagreements += 1;
            throw new Error(answer.wrong.join('; '));
          },
          { timeoutMs: 3000, intervalMs: 1000 },
        );
        return `firing: ${[...agreed.activeKeys].join(', ')}; inhibited: ${
          [...agreed.suppressed].join(', ') || 'none'
        }${
          disagreements
            ? `; agreed after ${disagreements} answer(s) caught mid-change`
            : ''
        }`;
      },
      { independent: true },
    );

    await step(
      `${datasource} stopped: the entity view still answers with the fallback status after 3 attempts`,
      async () => {
        const datasourcePort = stack.datasource.port;
        await stack.datasource.handle.stop();
        await sleep(1000); // let the 500 ms rules cache expire
        const down = await entityView(portal.baseUrl, ENTITY, { token });
        expect(
          down.status === 200,
          `entity view with ${datasource} down: HTTP ${down.status}`,
        );
        const live = down.body.live;
        expect(
          ['fallback-logs', 'unknown'].includes(live?.status) &&
            /Metric collection failed/.test(live.reason ?? ''),
          `live = ${JSON.stringify(live)?.slice(
            0,
            300,
          )}, expected the fallback status`,
        );
        // Equal-jitter backoff waits at least 0.5 s + 1 s between the 3 attempts.
        expect(
          down.ms >= 1400,
          `the view answered in ${down.ms} ms: too fast for 3 attempts with backoff`,
        );
        // Prometheus both answers queries and lists its rules, so with it down
        // what is deployed is unknown. vmalert still answers, through its
        // own circuit (rulesUrl), so the rules still read as deployed.
        const deployedWhileDown =
          stack.datasource === stack.evaluator ? 'unknown' : 'pass';
        const deployed = checkById(down.body, 'deployment.rules-loaded');
        expect(
          deployed.status === deployedWhileDown,
          `deployment.rules-loaded=${deployed.status} with ${datasource} down, expected ${deployedWhileDown}: ${deployed.message}`,
        );
        if (deployedWhileDown === 'unknown')
          expect(
            down.body.deployedRules?.status === 'unknown',
            `deployedRules=${JSON.stringify(down.body.deployedRules)}`,
          );

        // Its own three attempts, or fewer when another question to the same
        // datasource used up its three first and opened the shared circuit.
        expect(
          /after 3 attempts|failed 3 times and opened its circuit/.test(
            live.reason,
          ),
          `the fallback reason does not say 3 attempts were made: ${live.reason}`,
        );

        // A stub on the datasource's port answers 503 (a retryable
        // TRANSIENT_FAILURE) and records every request it gets.
        stub = await startCountingStub(datasourcePort);

        // Right after every attempt failed, the circuit is open: the view
        // degrades at once without calling the datasource.
        const open = await entityView(portal.baseUrl, ENTITY, { token });
        expect(
          open.status === 200,
          `entity view with the circuit open: HTTP ${open.status}`,
        );
        expect(
          open.body.live?.status === live.status,
          `live.status with the circuit open: ${open.body.live?.status}`,
        );
        expect(
          stub.requests.length === 0,
          `with the circuit open ${datasource} was called: ${stub.requests.join(
            ' ',
          )}`,
        );

        // Once its open time is over, the circuit lets one question through
        // as a trial, which makes exactly the seed's 3 attempts; questions
        // asked meanwhile fail fast instead of adding to the load.
        await sleep(OPEN_CIRCUIT_MS + 500);
        stub.requests.length = 0;
        const again = await entityView(portal.baseUrl, ENTITY, { token });
        expect(
          again.status === 200,
          `entity view with ${datasource} answering 503: HTTP ${again.status}`,
        );
        expect(
          again.body.live?.status === live.status,
          `live.status with 503s: ${again.body.live?.status}`,
        );
        // A question the view shares with the fact cycle may have taken the
        // trial and still be between attempts when the view has answered;
        // count once no retry can still be pending.
        await stub.quiet(RETRY_GAP_MAX_MS + 500);
        const perQuestion = new Map();
        for (const r of stub.requests)
          perQuestion.set(r, (perQuestion.get(r) ?? 0) + 1);
        const attempts = [...perQuestion.values()];
        expect(
          Math.max(0, ...attempts) === 3 && attempts.every(n => n <= 3),
          `attempts per question for one view: ${JSON.stringify([
            ...perQuestion,
          ])}; expected the trial to make 3 (seed: max_attempts 3) and none more`,
        );
        const rulesCalls = stub.requests.length;
        return (
          `live.status=${live.status}; rules-loaded=${deployed.status}; refused: 3 attempts in ${down.ms} ms; circuit open: ${open.ms} ms, ` +
          `0 calls; 503 stub: ${rulesCalls} requests (${attempts.join(
            '+',
          )} per question), view in ${again.ms} ms`
        );
      },
    );

    const failed = results.filter(r => !r.ok);
    if (failed.length > 0) {
      log(
        `FAIL alerting e2e: ${failed.length} of ${
          results.length
        } steps failed (${failed.map(r => r.name).join('; ')}) in ${elapsed()}`,
      );
      return { ok: false, skipped: false, results };
    }
    log(`PASS alerting e2e: ${results.length} steps in ${elapsed()}`);
    return { ok: true, skipped: false, results };
  } catch (error) {
    if (!results.some(r => !r.ok))
      log(`FAIL alerting e2e: ${error.stack ?? error.message}`);
    for (const handle of group.children) {
      log(
        `--- last lines of ${handle.logFile} ---\n${handle.tail(
          handle.name === 'portal' ? 40 : 15,
        )}`,
      );
    }
    return { ok: false, skipped: false, results };
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await cleanup();
    if (process.env.REDLINE_E2E_KEEP) log(`logs kept in ${workDir}`);
    else rmSync(workDir, { recursive: true, force: true });
  }
}

function expect(condition, message) {
  if (!condition) throw new Error(message);
}

function checkById(view, id) {
  const check = view.checks.find(c => c.id === id);
  if (!check)
    throw new Error(
      `no check ${id} in the entity view (has ${view.checks
        .map(c => c.id)
        .join(', ')})`,
    );
  return check;
}

/**
 * An HTTP server that answers 503 to everything and records the paths the
 * portal asked. The portal's calls carry `x-correlation-id`; vmalert's
 * evaluations, which also reach VictoriaMetrics' port, do not and are left out.
 */
function startCountingStub(port) {
  const requests = [];
  let lastAt = Date.now();
  const server = createServer((req, res) => {
    if (req.headers['x-correlation-id']) {
      requests.push(req.url);
      lastAt = Date.now();
    }
    res
      .writeHead(503, { 'content-type': 'text/plain' })
      .end('stub: unavailable');
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () =>
      resolve({
        requests,
        /** Resolves once no request has come for `ms`. */
        quiet: async ms => {
          while (Date.now() - lastAt < ms)
            await sleep(ms - (Date.now() - lastAt));
        },
        close: () =>
          new Promise(done => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      }),
    );
  });
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({
    options: { engine: { type: 'string', default: 'prometheus' } },
  });
  const { ok } = await runAlertingE2E({ engine: values.engine });
  process.exit(ok ? 0 : 1);
}
