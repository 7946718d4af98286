import { describe, expect, it } from 'vitest';
import { notificationFindings, routingFindings } from '../../src/contract/routing.js';

const codes = (findings: { code: string }[]) => findings.map((f) => f.code);

describe('__mercure_routing as mercure main reads it', () => {
  it('"discard": "false" is an error that says the case would be discarded', () => {
    const [f] = routingFindings({ discard: 'false' });
    expect(f?.code).toBe('routing-invalid');
    expect(f?.severity).toBe('error');
    expect(f?.message).toMatch(/__mercure_routing "discard" is a string \("false"\).*would DISCARD the case/);
  });

  it.each([
    ['a list', ['pacs']],
    ['a string', 'pacs'],
    ['a number', 1],
  ])('a directive that is %s is an error', (_name, value) => {
    expect(codes(routingFindings(value))).toEqual(['routing-invalid']);
  });

  it('checks target types and use_alternate_target', () => {
    expect(codes(routingFindings({ target: 3 }))).toEqual(['routing-invalid']);
    expect(codes(routingFindings({ target: ['a', 2] }))).toEqual(['routing-invalid']);
    expect(codes(routingFindings({ use_alternate_target: 'yes' }))).toEqual(['routing-invalid']);
  });

  it('says what mercure would do with a valid directive, and that 0.4.1 ignores it', () => {
    const discard = routingFindings({ discard: true, target: 'pacs' });
    expect(discard[0]?.message).toMatch(/would discard the case/);
    const route = routingFindings({ target: ['pacs', 'archive'] });
    expect(route[0]?.code).toBe('routing-directive');
    expect(route[0]?.severity).toBe('warning');
    expect(route[0]?.message).toMatch(/"pacs" and "archive".*mercure 0\.4\.1 ignores it/);
    expect(routingFindings({ use_alternate_target: true })[0]?.message).toMatch(/conditional_alternate_target/);
  });

  it('checks target names against the server targets when given', () => {
    expect(codes(routingFindings({ target: 'pacs2' }, ['pacs', 'archive']))).toEqual(['routing-target-unknown']);
    expect(codes(routingFindings({ target: 'pacs' }, ['pacs', 'archive']))).toEqual(['routing-directive']);
  });

  it('is silent about what mercure skips without effect', () => {
    expect(routingFindings({})).toEqual([]);
    expect(routingFindings(false)).toEqual([]);
  });
});

describe('__mercure_notification', () => {
  it('wants an object with a string text and a boolean requested', () => {
    expect(notificationFindings({ text: 'done', requested: true })).toEqual([]);
    expect(notificationFindings({ requested: 'false' })[0]?.message).toMatch(/WOULD send the notification/);
    expect(codes(notificationFindings({ text: 5 }))).toEqual(['notification-invalid']);
    expect(codes(notificationFindings('send'))).toEqual(['notification-invalid']);
  });
});
