import { strict as assert } from 'node:assert';
import { isActive, isCancellable, isPausable, isResumable, isTerminal, mapStatus, statusCodicon, statusLabel } from '../../../src/core/jobs/status';

describe('job status mapping', () => {
  it('maps OpenAI statuses and common spellings', () => {
    assert.equal(mapStatus('validating_files'), 'validating');
    assert.equal(mapStatus('queued'), 'queued');
    assert.equal(mapStatus('running'), 'running');
    assert.equal(mapStatus('paused'), 'paused');
    assert.equal(mapStatus('succeeded'), 'succeeded');
    assert.equal(mapStatus('failed'), 'failed');
    assert.equal(mapStatus('cancelled'), 'cancelled');
    assert.equal(mapStatus('canceled'), 'cancelled');
    assert.equal(mapStatus('Cancelling'), 'cancelling');
    assert.equal(mapStatus('pending'), 'queued');
    assert.equal(mapStatus('notRunning'), 'queued');
    assert.equal(mapStatus('completed'), 'succeeded');
  });

  it('treats unknown statuses as still running', () => {
    for (const raw of ['deploying', 'warming_up', '', undefined, 42]) {
      const s = mapStatus(raw);
      assert.equal(s, 'unknown');
      assert.equal(isTerminal(s), false);
      assert.equal(isActive(s), true);
      assert.equal(isCancellable(s), true);
    }
    assert.match(statusLabel('unknown', 'deploying'), /deploying/);
    assert.equal(statusCodicon('unknown').id, 'loading~spin');
  });

  it('knows which states end a job and which actions apply', () => {
    assert.deepEqual(
      ['validating', 'queued', 'running', 'paused', 'cancelling', 'succeeded', 'failed', 'cancelled'].map((s) =>
        isTerminal(mapStatus(s === 'validating' ? 'validating_files' : s)),
      ),
      [false, false, false, false, false, true, true, true],
    );
    assert.equal(isCancellable('succeeded'), false);
    assert.equal(isCancellable('cancelling'), false);
    assert.equal(isPausable('running'), true);
    assert.equal(isPausable('paused'), false);
    assert.equal(isResumable('paused'), true);
  });

  it('gives a spinning icon only to running states', () => {
    assert.equal(statusCodicon('running').id, 'loading~spin');
    assert.equal(statusCodicon('succeeded').id, 'pass-filled');
    assert.equal(statusCodicon('failed').id, 'error');
    assert.notEqual(statusCodicon('queued').id, 'loading~spin');
  });
});
