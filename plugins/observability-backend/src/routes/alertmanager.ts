import Router from 'express-promise-router';
import type { Response } from 'express';
import type { CatalogAlertmanagerFile } from '../services/CatalogAlertmanagerService';
import type { RouteDeps } from './types';
import { teamFromParams } from './validation';

/**
 * The one Alertmanager config for the catalog, or for one team: what
 * `redline generate` writes into `alertmanager/`, for the Components the
 * caller may read.
 * @internal
 */
export function createAlertmanagerRouter(deps: RouteDeps) {
  const { httpAuth, catalogAlertmanager } = deps;
  const router = Router();

  router.get('/alertmanager/config.yaml', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    send(res, await catalogAlertmanager.render(credentials), 'alertmanager');
  });

  router.get('/alertmanager/teams/:team/config.yaml', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const team = teamFromParams(req.params);
    send(
      res,
      await catalogAlertmanager.render(credentials, { team }),
      `${team}-alertmanager`,
    );
  });

  return router;
}

/** `fileStem` is `alertmanager` or a validated team name: safe in the header as is. */
function send(res: Response, file: CatalogAlertmanagerFile, fileStem: string) {
  res.setHeader('Content-Type', 'text/yaml; charset=utf-8');
  res.setHeader(
    'Content-Disposition',
    `attachment; filename="${fileStem}.yaml"`,
  );
  res.setHeader('X-Redline-Findings', String(file.findings.length));
  res.send(file.content);
}
