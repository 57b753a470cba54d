import { strict as assert } from 'node:assert';
import { normalizeEvent, normalizeJob } from '../../../src/core/backends/normalize';
import type { FineTuneJob } from '../../../src/core/backends/types';
import { jobRowDescription, progressText, statusText } from '../../../src/core/jobs/format';
import { chooseJobs, currentJobId } from '../../../src/core/jobs/pick';

const NOW = Date.UTC(2026, 11, 2, 12);

function job(id: string, status: string, extra: Record<string, unknown> = {}): FineTuneJob {
  return normalizeJob({ id, created_at: (NOW - 600_000) / 1000, model: 'gpt-4.1-mini-2025-04-14', status, ...extra }, 'openai');
}

function metrics(step: number, loss: number) {
  return normalizeEvent({
    id: `ev-${step}`,
    created_at: (NOW - 100_000 + step * 1000) / 1000,
    level: 'info',
    message: `Step ${step}/30: training loss=${loss}`,
    type: 'metrics',
    data: { step, train_loss: loss, total_steps: 30 },
  });
}

describe('job rows: status words, progress and base model first', () => {
  it('says the status once when the provider word is the same ("Succeeded", not "Succeeded (succeeded)")', () => {
    assert.equal(statusText(job('a', 'succeeded')), 'Succeeded');
    assert.equal(statusText(job('a', 'validating_files')), 'Validating files');
    assert.equal(statusText(job('a', 'running')), 'Running');
    assert.match(statusText(job('a', 'deploying')), /deploying/);
  });

  it('reads a provider state name as words, and once when it means the same (Fireworks JOB_STATE_*, "completed")', () => {
    const fw = (status: FineTuneJob['status'], rawStatus: string) => statusText({ status, rawStatus });
    assert.equal(fw('succeeded', 'JOB_STATE_COMPLETED'), 'Succeeded');
    assert.equal(fw('cancelled', 'JOB_STATE_CANCELLED'), 'Cancelled');
    assert.equal(fw('running', 'JOB_STATE_WRITING_RESULTS'), 'Running (writing results)');
    assert.equal(fw('cancelled', 'canceled'), 'Cancelled');
  });

  it('shows step/total and the latest loss of a running job, then its base model', () => {
    const events = [metrics(11, 0.9), metrics(12, 0.8123)];
    assert.equal(progressText(events), 'step 12/30 · loss 0.81');
    assert.equal(jobRowDescription(job('a', 'running'), events, NOW), 'running · step 12/30 · loss 0.81 · gpt-4.1-mini-2025-04-14');
    assert.equal(jobRowDescription(job('a', 'queued'), [], NOW), 'queued · gpt-4.1-mini-2025-04-14');
    assert.equal(
      jobRowDescription(job('a', 'succeeded', { trained_tokens: 1200 }), events, NOW),
      'succeeded · gpt-4.1-mini-2025-04-14 · 10m ago · 1.2k tokens',
    );
  });
});

describe('which job a palette command means', () => {
  const jobs = [job('new', 'succeeded'), job('run', 'running'), job('old', 'failed')];

  it('asks nothing with no job or one job', () => {
    assert.deepEqual(chooseJobs([]), { kind: 'none' });
    assert.deepEqual(chooseJobs([jobs[0]]), { kind: 'one', jobId: 'new' });
  });

  it('opens on the selected job, else the newest running, else the newest — listed first', () => {
    assert.equal(currentJobId(jobs, 'old'), 'old');
    assert.equal(currentJobId(jobs, 'gone'), 'run');
    assert.equal(currentJobId([jobs[0], jobs[2]]), 'new');
    assert.deepEqual(chooseJobs(jobs), { kind: 'ask', current: 'run', jobIds: ['run', 'new', 'old'] });
    assert.deepEqual(chooseJobs(jobs, 'old'), { kind: 'ask', current: 'old', jobIds: ['old', 'new', 'run'] });
  });
});
