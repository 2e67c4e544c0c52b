import type {
  AuditorServiceCreateEventOptions,
  AuditorServiceEvent,
} from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';

/** One audit event a route created, with how it ended. */
export interface RecordedAuditEvent {
  options: AuditorServiceCreateEventOptions;
  success: jest.MockedFunction<AuditorServiceEvent['success']>;
  fail: jest.MockedFunction<AuditorServiceEvent['fail']>;
}

/**
 * An auditor service that keeps every event, so a test can read what was
 * audited and whether it succeeded. `beforeAnswer` holds `createEvent`
 * until it settles, for tests that need a route to wait there.
 */
export function recordingAuditor(
  beforeAnswer: Promise<void> = Promise.resolve(),
) {
  const events: RecordedAuditEvent[] = [];
  const auditor = mockServices.auditor.mock({
    createEvent: async options => {
      const event: RecordedAuditEvent = {
        options,
        success: jest.fn<
          ReturnType<AuditorServiceEvent['success']>,
          Parameters<AuditorServiceEvent['success']>
        >(async () => {}),
        fail: jest.fn<
          ReturnType<AuditorServiceEvent['fail']>,
          Parameters<AuditorServiceEvent['fail']>
        >(async () => {}),
      };
      events.push(event);
      await beforeAnswer;
      return event;
    },
  });
  return { auditor, events };
}
