import { Link } from '@backstage/core-components';
import Box from '@mui/material/Box';
import Typography from '@mui/material/Typography';
import type { EntityViewResponse } from '@redline/backstage-plugin-observability-common';
import { entityLinksOut, type LinkOut, prometheusGraphUrl } from './linksOut';

const SIGNAL_TITLE: Record<string, string> = {
  rate: 'Request rate',
  errors: 'Error rate',
  duration: 'Latency',
};

/**
 * Where the detail lives: the entity's dashboard, logs and traces, and each
 * RED signal's query in Prometheus' graph page.
 */
export function LinksOut({ view }: { view: EntityViewResponse }) {
  const prometheus = view.links?.prometheusUrl;
  const links: LinkOut[] = [
    ...entityLinksOut(view.spec),
    ...(prometheus
      ? view.redTargets.map(target => ({
          label: `${
            SIGNAL_TITLE[target.signal] ?? target.signal
          } in Prometheus`,
          href: prometheusGraphUrl(prometheus, target.promql),
        }))
      : []),
  ];
  if (links.length === 0) return null;
  return (
    <Box
      component="nav"
      aria-label="Open in other tools"
      sx={{ display: 'flex', flexWrap: 'wrap', gap: 2, alignItems: 'center' }}
    >
      <Typography variant="body2" component="span">
        Open in:
      </Typography>
      {links.map(link => (
        <Link key={link.label} to={link.href} variant="body2">
          {link.label}
        </Link>
      ))}
    </Box>
  );
}
