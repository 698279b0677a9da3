import { describe, expect, it } from 'vitest';
import { checkFieldsMessage, fieldInWords } from './errors.js';

describe('fieldInWords', () => {
  it.each([
    ['name', 'name'],
    ['(body)', 'the request body'],
    ['preferences.timeZone', 'timeZone in preferences'],
    ['ids.1', 'item 2 of ids'],
    ['types.2.channels.digest', 'digest in channels in item 3 of types'],
    ['events.0.recipients.3', 'item 4 of recipients in item 1 of events'],
  ])('says %s as "%s"', (path, words) => {
    expect(fieldInWords(path)).toBe(words);
  });
});

describe('checkFieldsMessage', () => {
  it('names one field, or several, as a sentence', () => {
    expect(checkFieldsMessage([{ field: 'ids.0', message: 'must be text' }])).toBe(
      'Check this field: item 1 of ids: must be text.',
    );
    expect(
      checkFieldsMessage([
        { field: 'name', message: 'is required' },
        { field: 'expiresInDays', message: 'must be at most 3650' },
      ]),
    ).toBe('Check these fields: name: is required; expiresInDays: must be at most 3650.');
  });

  it('shows ten fields at most, and how many more there are', () => {
    const issues = Array.from({ length: 25 }, (_, i) => ({ field: `f${i}`, message: 'is required' }));
    const message = checkFieldsMessage(issues);
    expect(message).toContain('f9: is required (and 15 more).');
    expect(message).not.toContain('f10');
  });
});
