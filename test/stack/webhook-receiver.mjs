/**
 * A local Alertmanager webhook receiver: records every notification so the
 * end-to-end test can assert what a team would have been paged with, and so
 * the demo can print it.
 */
import { createServer } from 'node:http';
import { waitUntil } from './processes.mjs';

/**
 * Starts the receiver on loopback. Every POST body (Alertmanager's webhook
 * payload, version 4) is parsed and kept in `notifications`, in arrival order,
 * with the path it was posted to.
 */
export function startWebhookReceiver({ port = 0, onNotification } = {}) {
  const notifications = [];
  const server = createServer((req, res) => {
    if (req.method !== 'POST') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ received: notifications.length }));
      return;
    }
    const chunks = [];
    req.on('data', chunk => chunks.push(chunk));
    req.on('end', () => {
      let body;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        res.writeHead(400).end('invalid JSON');
        return;
      }
      const notification = {
        path: req.url,
        receivedAt: new Date().toISOString(),
        body,
      };
      notifications.push(notification);
      onNotification?.(notification);
      res.writeHead(200).end('ok');
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const url = `http://127.0.0.1:${server.address().port}`;
      resolve({
        url,
        notifications,
        /** Every alert delivered so far (flattened over notifications), with its receiver and status. */
        alerts() {
          return notifications.flatMap(n =>
            (n.body.alerts ?? []).map(alert => ({
              ...alert,
              receiver: n.body.receiver,
              path: n.path,
            })),
          );
        },
        /** Waits until some delivered alert satisfies `predicate`; returns it. */
        waitForAlert(what, predicate, options) {
          return waitUntil(what, () => this.alerts().find(predicate), options);
        },
        close: () =>
          new Promise(done => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
