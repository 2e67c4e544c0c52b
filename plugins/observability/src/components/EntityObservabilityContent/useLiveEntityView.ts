import { useCallback, useEffect, useRef, useState } from 'react';
import type { CompoundEntityRef } from '@backstage/catalog-model';
import type { EntityViewResponse } from '@redline/backstage-plugin-observability-common';
import type { ObservabilityApi } from '../../api';

/** What the tab knows of an entity's view, and how fresh it is. */
export interface LiveEntityView {
  /** The newest answer: the full view once one arrived, else the static one. */
  view?: EntityViewResponse;
  /**
   * When the newest full view's live values were read (ms since the
   * epoch): when it arrived, or earlier when the backend served values it
   * kept while reading their successor.
   */
  asOf?: number;
  /** A full view is being fetched. */
  refreshing: boolean;
  /** Why the last full view could not be fetched (the shown one is older). */
  liveError?: Error;
  /** Why nothing at all could be fetched. */
  error?: Error;
  /** Bumped with every re-read after the first, so parts that fetch on their own follow. */
  generation: number;
}

/**
 * The tab's view in two requests: the static one (no Prometheus) answers at
 * once, the full one fills in live parts when Prometheus answers. The full
 * one is fetched again every `intervalMs` and when the window regains focus,
 * keeping what is shown until the new answer arrives.
 */
export function useLiveEntityView(
  api: ObservabilityApi,
  entityRef: CompoundEntityRef,
  intervalMs: number,
  now: () => number = Date.now,
): LiveEntityView {
  const [state, setState] = useState<LiveEntityView>({
    refreshing: true,
    generation: 0,
  });
  const inFlight = useRef(false);
  const current = useRef(0);

  const refresh = useCallback(
    (entity: number, again: boolean) => {
      if (inFlight.current) return;
      inFlight.current = true;
      setState(s => ({
        ...s,
        refreshing: true,
        generation: again ? s.generation + 1 : s.generation,
      }));
      api.getEntityView(entityRef).then(
        view => {
          inFlight.current = false;
          if (entity !== current.current) return;
          setState(s => ({
            ...s,
            view,
            // The live values' own reading time when the backend served
            // them from what it kept: the age shown is theirs, not this
            // response's.
            asOf: Math.min(view.live?.readAt ?? Infinity, now()),
            refreshing: false,
            liveError: undefined,
            error: undefined,
          }));
        },
        error => {
          inFlight.current = false;
          if (entity !== current.current) return;
          setState(s => ({
            ...s,
            refreshing: false,
            liveError: error,
            error: s.view ? undefined : error,
          }));
        },
      );
    },
    [api, entityRef, now],
  );

  useEffect(() => {
    const entity = ++current.current;
    inFlight.current = false;
    setState({ refreshing: true, generation: 0 });
    api.getEntityView(entityRef, { parts: 'static' }).then(
      view => {
        if (entity !== current.current) return;
        // A full view that came first is newer: keep it.
        setState(s => (s.view ? s : { ...s, view }));
      },
      error => {
        if (entity !== current.current) return;
        setState(s => (s.view ? s : { ...s, error: s.error ?? error }));
      },
    );
    refresh(entity, false);
    const timer = setInterval(() => refresh(entity, true), intervalMs);
    const onFocus = () => refresh(entity, true);
    const onVisible = () => {
      if (document.visibilityState === 'visible') refresh(entity, true);
    };
    window.addEventListener('focus', onFocus);
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      clearInterval(timer);
      window.removeEventListener('focus', onFocus);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [api, entityRef, intervalMs, refresh]);

  return state;
}
