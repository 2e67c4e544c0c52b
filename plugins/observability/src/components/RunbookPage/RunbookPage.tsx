import useAsync from 'react-use/esm/useAsync';
import { useParams } from 'react-router-dom';
import {
  EmptyState,
  InfoCard,
  Link,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi, useRouteRef } from '@backstage/core-plugin-api';
import {
  entityRouteParams,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import Typography from '@mui/material/Typography';
import { observabilityApiRef } from '../../api';
import { RunbookMarkdown } from '../RunbookMarkdown';

/**
 * A generated runbook rendered in the portal, at the address generated
 * alerts link to: `/observability/runbooks/:namespace/:kind/:name/:alert`.
 * @public
 */
export function RunbookPage() {
  const {
    namespace = 'default',
    kind = '',
    name = '',
    alert = '',
  } = useParams();
  const api = useApi(observabilityApiRef);
  const entityRoute = useRouteRef(entityRouteRef);
  const entity = { kind, namespace, name };
  const { value, loading, error } = useAsync(
    () => api.getRunbook(entity, alert),
    [api, kind, namespace, name, alert],
  );
  if (loading) return <Progress />;
  if (error) return <ResponseErrorPanel error={error} />;
  if (!value || !value.markdown.trim()) {
    return (
      <EmptyState
        missing="content"
        title={`No runbook for ${alert}`}
        description={`${kind}:${namespace}/${name} has no generated runbook for this alert.`}
      />
    );
  }
  const tab = `${entityRoute(
    entityRouteParams(`${kind}:${namespace}/${name}`),
  )}/observability`;
  return (
    // No card title: the runbook's own first heading is the title.
    <InfoCard>
      <Typography variant="body2" color="text.secondary" sx={{ mb: 1 }}>
        Runbook for{' '}
        {/* Underlined: inside a sentence, colour alone does not mark a link. */}
        <Link
          to={tab}
          underline="always"
        >{`${kind}:${namespace}/${name}`}</Link>{' '}
        · {value.path}
      </Typography>
      <RunbookMarkdown markdown={value.markdown} />
    </InfoCard>
  );
}
