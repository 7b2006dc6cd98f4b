import { describe, expect, it } from 'vitest';
import {
  CRM_MAX_RETRY_MS,
  CRM_SYNC_RETRY,
  contactQueries,
  crmKeysOf,
  crmRetryDelayMs,
  MAX_CRM_SYNC_ATTEMPTS,
  MAX_TASK_DESCRIPTION,
  salesforceIdKind,
  soqlString,
  transcriptTask,
} from './crm-sync.js';
import { afterFailedAttempt } from './retry-policy.js';

describe('CRM sync rules', () => {
  it('backs off 5 s doubling to 15 min, then gives up', () => {
    expect([1, 2, 3, 4].map(crmRetryDelayMs)).toEqual([5000, 10_000, 20_000, 40_000]);
    expect(crmRetryDelayMs(9)).toBe(CRM_MAX_RETRY_MS);
    expect(crmRetryDelayMs(100)).toBe(CRM_MAX_RETRY_MS);
    expect(afterFailedAttempt(CRM_SYNC_RETRY, { failedAttempts: 1, queuedAt: 0, now: 1000 })).toEqual({ kind: 'retry', at: 6000, delayMs: 5000 });
    expect(afterFailedAttempt(CRM_SYNC_RETRY, { failedAttempts: MAX_CRM_SYNC_ATTEMPTS, queuedAt: 0, now: 1000 })).toEqual({
      kind: 'give_up',
      reason: 'max_attempts',
    });
  });

  it('takes the CRM id, email and phone from custom variables; an SMS consumer’s number is their phone', () => {
    expect(crmKeysOf({ crmId: '0035g00000XyZAbAAN', email: ' e@x.io ', phone: 4420 }, 'web', null)).toEqual({
      crmId: '0035g00000XyZAbAAN',
      email: 'e@x.io',
      phone: '4420',
    });
    expect(crmKeysOf({}, 'sms', '+447700900123')).toEqual({ crmId: null, email: null, phone: '+447700900123' });
    expect(crmKeysOf({ email: '' }, 'messenger', 'psid-1')).toEqual({ crmId: null, email: null, phone: null });
  });

  it('knows Contact and Lead ids by their prefix', () => {
    expect(salesforceIdKind('0035g00000XyZAbAAN')).toBe('Contact');
    expect(salesforceIdKind('00Q5g00000AbCdE')).toBe('Lead');
    expect(salesforceIdKind('0015g00000AbCdEAAA')).toBeNull();
    expect(salesforceIdKind("003' OR Id != '")).toBeNull();
  });

  it('quotes SOQL strings', () => {
    expect(soqlString("O'Brien")).toBe("'O\\'Brien'");
    expect(soqlString('a\\b')).toBe("'a\\\\b'");
    expect(soqlString('x\ny\u0000')).toBe("'xy'");
  });

  it('looks up by CRM id, then email, then phone; Contacts before Leads', () => {
    const q = contactQueries({ crmId: '0035g00000XyZAbAAN', email: 'e@x.io', phone: '+1 555' });
    expect(q.map((x) => x.object)).toEqual(['Contact', 'Contact', 'Lead', 'Contact', 'Lead']);
    expect(q[0]?.soql).toBe("SELECT Id FROM Contact WHERE Id = '0035g00000XyZAbAAN' LIMIT 1");
    expect(contactQueries({ crmId: 'not-an-id', email: null, phone: null })).toEqual([]);
  });

  it('builds the Task: subject, completed, the closing day, the transcript cut to fit', () => {
    const t = transcriptTask({ consumerName: 'Emma', channel: 'sms', transcript: 'hello', closedAt: Date.UTC(2026, 10, 26, 23, 59), whoId: '003x' });
    expect(t).toEqual({
      Subject: 'Parley sms conversation with Emma',
      Description: 'hello',
      Status: 'Completed',
      Priority: 'Normal',
      ActivityDate: '2026-11-26',
      WhoId: '003x',
    });
    const long = transcriptTask({ consumerName: 'E', channel: 'web', transcript: 'x'.repeat(40_000), closedAt: 0, whoId: null });
    expect(long.Description.length).toBe(MAX_TASK_DESCRIPTION);
    expect(long.Description).toMatch(/cut at 32 000 characters/);
    expect('WhoId' in long).toBe(false);
  });
  it('the wrap-up goes above the transcript: dispositions, then the note', () => {
    const base = { consumerName: 'Emma', channel: 'sms', transcript: 'hello', closedAt: 0, whoId: null };
    expect(transcriptTask({ ...base, wrapUp: { dispositions: ['Refund', 'Billing'], note: 'sent a voucher' } }).Description).toBe(
      'Disposition: Refund, Billing\nWrap-up note: sent a voucher\n\nhello',
    );
    expect(transcriptTask({ ...base, wrapUp: { dispositions: ['Refund'], note: null } }).Description).toBe('Disposition: Refund\n\nhello');
    expect(transcriptTask({ ...base, wrapUp: null }).Description).toBe('hello');
  });
});
