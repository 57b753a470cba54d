import { strict as assert } from 'node:assert';
import { ibanValid, luhnValid, PiiKind, redactJsonl, redactText, scanJsonl, scanText } from '../../../src/core/dataset/pii';

function kinds(text: string): PiiKind[] {
  return scanText(text).map((f) => f.kind);
}

/** One true and one false case per kind (the false case is a plausible look-alike). */
const CASES: Record<PiiKind, { yes: string; found: string; no: string }> = {
  email: { yes: 'write to jane.doe+notes@example.co.uk today', found: 'jane.doe+notes@example.co.uk', no: 'meet me @ the cafe, user@localhost' },
  phone: { yes: 'call me on +44 20 7946 0958 tonight', found: '+44 20 7946 0958', no: 'on 2024-03-01 at 10:30 I read pages 120-180 of 3 books' },
  address: { yes: 'we moved to 221B Baker Street last spring', found: '221B Baker Street', no: 'I walked 5 miles down the road to the street market' },
  iban: {
    yes: 'rent goes to DE89 3704 0044 0532 0130 00 monthly',
    found: 'DE89 3704 0044 0532 0130 00',
    no: 'the code DE89 3704 0044 0532 0130 01 is mistyped',
  },
  card: { yes: 'card 4111 1111 1111 1111 expired', found: '4111 1111 1111 1111', no: 'order 4111 1111 1111 1112 shipped' },
  'api-key': {
    yes: 'my key sk-proj-Ab3dEfGh1jKlMn0pQrStUvWxYz12 leaked',
    found: 'sk-proj-Ab3dEfGh1jKlMn0pQrStUvWxYz12',
    no: 'a task-list is not a key, nor is sk-short',
  },
  'private-key': {
    yes: '-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----',
    found: '-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----',
    no: '-----BEGIN PUBLIC KEY----- is fine to share',
  },
  secret: {
    yes: 'token aZ3kP9qL2xV7mN4bR8tY1wE6sD0fG5hJ here',
    found: 'aZ3kP9qL2xV7mN4bR8tY1wE6sD0fG5hJ',
    no: 'Donaudampfschifffahrtsgesellschaftskapitän is one long word',
  },
};

describe('PII and secret scan', () => {
  for (const [kind, c] of Object.entries(CASES) as [PiiKind, (typeof CASES)[PiiKind]][]) {
    it(`${kind}: finds the real one, ignores the look-alike`, () => {
      const hits = scanText(c.yes).filter((f) => f.kind === kind);
      assert.equal(hits.length, 1, `expected one ${kind} in ${JSON.stringify(c.yes)}, got ${JSON.stringify(scanText(c.yes))}`);
      assert.equal(hits[0].text, c.found);
      assert.deepEqual(
        scanText(c.no).filter((f) => f.kind === kind),
        [],
        `no ${kind} in ${JSON.stringify(c.no)}`,
      );
    });
  }

  it('checks IBAN mod-97 and card Luhn', () => {
    assert.ok(ibanValid('GB82WEST12345698765432'));
    assert.ok(!ibanValid('GB82WEST12345698765431'));
    assert.ok(luhnValid('4111111111111111'));
    assert.ok(!luhnValid('4111111111111112'));
  });

  it('reports line and column, and prefers the specific kind on overlaps', () => {
    const f = scanText('first line\n  mail: a.b@c.org\napi_key = "sk-abcdefghijklmnopqrstuvwx123"');
    assert.deepEqual(
      f.map((x) => [x.kind, x.line, x.column]),
      [
        ['email', 1, 8],
        ['api-key', 2, 11],
      ],
    );
    assert.deepEqual(kinds('card 4111-1111-1111-1111'), ['card']);
    assert.deepEqual(kinds('password: forgotten again'), []);
    assert.deepEqual(kinds('address ideas: 10 Downing Street and 1600 Pennsylvania Avenue'), ['address', 'address']);
  });

  it('maps findings in JSONL to positions in the raw line, across escapes', () => {
    const line = JSON.stringify({
      messages: [
        { role: 'user', content: 'Who "are" you?\n' },
        { role: 'assistant', content: 'Write to "me" at jane@example.org\nok' },
      ],
    });
    const [f] = scanJsonl(`${line}\n`);
    assert.equal(f.jsonlLine, 1);
    assert.equal(f.field, 'content');
    assert.equal(line.slice(f.column, f.endColumn), 'jane@example.org');
  });

  it('redacts a copy: valid JSON stays valid, broken lines are redacted as text, line count kept', () => {
    const good = JSON.stringify({
      messages: [
        { role: 'user', content: 'mail?' },
        { role: 'assistant', content: 'jane@example.org or +44 20 7946 0958' },
      ],
    });
    const r = redactJsonl(`${good}\n{broken jane@example.org\n`);
    const [l1, l2, l3] = r.text.split('\n');
    assert.equal(JSON.parse(l1).messages[1].content, '[EMAIL] or [PHONE]');
    assert.equal(l2, '{broken [EMAIL]');
    assert.equal(l3, '');
    assert.equal(r.count, 3);
    assert.deepEqual(r.byKind, { email: 2, phone: 1 });
    assert.equal(redactText('mail jane@example.org', ['phone']).count, 0, 'only the chosen kinds are redacted');
  });
});
