import assert from 'node:assert/strict';
import { isFromRatingWebview } from '../../../src/shared/evalProtocol';
import { ratingKey } from '../../../src/webview/eval/keys';

describe('eval: rating keys and webview messages', () => {
  it('maps 1 / 2 / = / s / u, and nothing with a modifier', () => {
    assert.deepEqual(ratingKey({ key: '1' }), { kind: 'rate', verdict: '1' });
    assert.deepEqual(ratingKey({ key: '2' }), { kind: 'rate', verdict: '2' });
    assert.deepEqual(ratingKey({ key: '=' }), { kind: 'rate', verdict: 'tie' });
    assert.deepEqual(ratingKey({ key: 's' }), { kind: 'rate', verdict: 'skip' });
    assert.deepEqual(ratingKey({ key: 'u' }), { kind: 'undo' });
    assert.equal(ratingKey({ key: '1', ctrlKey: true }), undefined);
    assert.equal(ratingKey({ key: '3' }), undefined);
  });

  it('accepts only well-formed messages from the webview', () => {
    assert.ok(isFromRatingWebview({ type: 'eval/ready' }));
    assert.ok(isFromRatingWebview({ type: 'eval/rate', pair: 'p0123456789ab', verdict: 'tie' }));
    assert.ok(isFromRatingWebview({ type: 'eval/undo' }));
    for (const bad of [
      null,
      'x',
      { type: 'eval/rate', pair: 'p1', verdict: 'win' },
      { type: 'eval/rate', pair: '', verdict: '1' },
      { type: 'eval/undo', extra: 1 },
      { type: 'other' },
    ])
      assert.equal(isFromRatingWebview(bad), false, JSON.stringify(bad));
  });
});
