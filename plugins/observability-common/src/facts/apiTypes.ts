/**
 * The parts of Prometheus' and Alertmanager's HTTP API answers that Redline
 * reads. Shared by the backend's clients and the CLI, which talk to the same
 * servers.
 */

/** A rule as `/api/v1/rules` lists it. @public */
export interface PrometheusApiRule {
  type: 'alerting' | 'recording';
  name: string;
  query: string;
  duration?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  state?: 'firing' | 'pending' | 'inactive';
  health?: string;
  alerts?: Array<{
    labels: Record<string, string>;
    annotations: Record<string, string>;
    state: 'firing' | 'pending';
    activeAt?: string;
    value?: string;
  }>;
}

/** A rule group as `/api/v1/rules` lists it. @public */
export interface PrometheusApiRuleGroup {
  name: string;
  file: string;
  interval?: number;
  rules: PrometheusApiRule[];
}

/** An alert as Alertmanager's `/api/v2/alerts` lists it. @public */
export interface AlertmanagerApiAlert {
  fingerprint: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt?: string;
  endsAt?: string;
  updatedAt?: string;
  status: {
    state: 'active' | 'suppressed' | 'unprocessed';
    silencedBy?: string[];
    inhibitedBy?: string[];
  };
  receivers?: Array<{ name: string }>;
}
