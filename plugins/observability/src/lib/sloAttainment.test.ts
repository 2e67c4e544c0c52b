import {
  budgetState,
  budgetText,
  meetingShare,
  meetingText,
} from './sloAttainment';

describe('SLO attainment helpers', () => {
  it('writes the share meeting with its counts', () => {
    expect(meetingText({ slosMeasured: 19, slosMeeting: 14 })).toBe(
      '14 of 19 (74 %)',
    );
    expect(meetingText({ slosMeasured: 3, slosMeeting: 0 })).toBe(
      '0 of 3 (0 %)',
    );
  });

  it('says "no data" rather than 0 % when nothing was measured', () => {
    expect(meetingText({ slosMeasured: 0, slosMeeting: 0 })).toBe('no data');
    expect(meetingText({})).toBe('no data');
    expect(meetingShare({ slosMeasured: 0, slosMeeting: 0 })).toBeNull();
  });

  it('names the state of a budget', () => {
    expect(budgetState(-12.5)).toBe('exhausted');
    expect(budgetState(0)).toBe('exhausted');
    expect(budgetState(24.9)).toBe('nearly exhausted');
    expect(budgetState(25)).toBe('ok');
    expect(budgetText(-12.5)).toBe('-12.5 %');
  });
});
