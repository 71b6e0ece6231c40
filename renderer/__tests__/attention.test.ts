import { describe, expect, it } from 'vitest';
import { NO_ALERTS, alertFor, isSeen, noticeText, withAlert, withoutAlert, type AttentionEvent } from '../attention';
import { row } from './fixtures';

const finished = (exit_code: number | null, command: string | null = 'sleep 11; false'): AttentionEvent => ({
  type: 'attention',
  sessionId: 's',
  reason: 'command',
  command: { command, exit_code, duration_ms: 11_400 },
});
const bell: AttentionEvent = { type: 'attention', sessionId: 's', reason: 'bell', command: null };
const shown = row({ session_id: 's', title: 'sleep · tmp', foreground: 'sleep' });

describe('attention', () => {
  it('is seen only in the shown tab of a window the user is looking at', () => {
    expect(isSeen('s', 's', true)).toBe(true);
    expect(isSeen('s', 's', false)).toBe(false);
    expect(isSeen('s', 'other', true)).toBe(false);
    expect(isSeen('s', null, true)).toBe(false);
  });

  it('badges a failure, a success, an unknown end and a bell apart', () => {
    expect(alertFor(finished(1))).toEqual({ kind: 'failed', label: 'Failed with exit 1 after 0:11' });
    expect(alertFor(finished(0))).toEqual({ kind: 'done', label: 'Finished after 0:11' });
    expect(alertFor(finished(null)).kind).toBe('done');
    expect(alertFor(bell).kind).toBe('bell');
  });

  it('says what ran, how it ended, for how long, and where', () => {
    expect(noticeText(finished(1), shown)).toEqual({ title: 'Failed: sleep 11; false', body: 'exit 1 after 0:11 · sleep · tmp' });
    expect(noticeText(finished(0, null), shown)).toEqual({ title: 'Done: A command', body: 'after 0:11 · sleep · tmp' });
    expect(noticeText(finished(null), undefined)).toEqual({ title: 'Ended: sleep 11; false', body: 'after 0:11 · a session' });
    expect(noticeText(bell, shown)).toEqual({ title: 'Bell in sleep · tmp', body: 'sleep' });
  });

  it('a badge stays until cleared; clearing nothing changes nothing', () => {
    const alerts = withAlert(NO_ALERTS, 's', alertFor(bell));
    expect(alerts.s?.kind).toBe('bell');
    expect(withoutAlert(alerts, 'other')).toBe(alerts);
    expect(withoutAlert(alerts, 's')).toEqual({});
  });
});
