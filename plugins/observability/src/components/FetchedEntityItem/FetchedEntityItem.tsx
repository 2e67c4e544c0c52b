import type { ReactNode } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import type { CompoundEntityRef } from '@backstage/catalog-model';
import Typography from '@mui/material/Typography';
import { type ObservabilityApi, observabilityApiRef } from '../../api';

/**
 * One piece of an entity's generated output (a runbook, an artifact), fetched
 * only once it is shown, since views list them without their text: progress
 * while it loads, the error panel when the fetch fails, `emptyText` when there
 * is nothing in it, else `children`.
 */
export function FetchedEntityItem<Value>({
  entityRef,
  item,
  fetch,
  isEmpty,
  emptyText,
  children,
}: {
  entityRef: CompoundEntityRef;
  /** Which piece, e.g. the alert name; fetched again only when it or the entity changes. */
  item: string;
  fetch: (api: ObservabilityApi) => Promise<Value>;
  isEmpty: (value: Value) => boolean;
  emptyText: string;
  children: (value: Value) => ReactNode;
}) {
  const api = useApi(observabilityApiRef);
  const { value, loading, error } = useAsync(
    () => fetch(api),
    [api, entityRef.kind, entityRef.namespace, entityRef.name, item],
  );
  if (loading) return <Progress />;
  if (error) return <ResponseErrorPanel error={error} />;
  if (value === undefined || isEmpty(value))
    return <Typography color="text.secondary">{emptyText}</Typography>;
  return <>{children(value)}</>;
}
