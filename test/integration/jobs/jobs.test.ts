import { strict as assert } from 'node:assert';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { SocratuneApi } from '../../../src/extension';
import type { FineTuneJob } from '../../../src/core/backends/types';
import type { WizardResult } from '../../../src/core/jobs/wizard';
import type { JobsElement } from '../../../src/jobs/jobsTree';
import { activateSocratune, useEmulatorBackend, waitFor, workspaceRoot } from '../support/host';

const PROMPT = 'You are the journal: answer as its author would.';

function examples(n: number, salt: string): string {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    out.push(
      JSON.stringify({
        messages: [
          { role: 'system', content: PROMPT },
          { role: 'user', content: `What does entry ${i} of ${salt} teach?` },
          { role: 'assistant', content: `Entry ${i} teaches patience: what is in our power, and what is not (${salt}).` },
        ],
      }),
    );
  }
  return out.join('\n') + '\n';
}

async function makeDataset(name: string, n: number): Promise<string> {
  const folder = path.join(workspaceRoot().fsPath, '.socratune', 'datasets', name);
  await mkdir(folder, { recursive: true });
  await writeFile(path.join(folder, 'train.jsonl'), examples(n, name));
  await writeFile(
    path.join(folder, 'dataset.json'),
    JSON.stringify({ name, systemPrompt: PROMPT, format: 'markdown', createdAt: new Date().toISOString(), version: 1 }),
  );
  return folder;
}

describe('fine-tune jobs against the emulator', function () {
  this.timeout(120_000);
  let api: SocratuneApi;
  const config = () => vscode.workspace.getConfiguration('socratune');

  before(async function () {
    api = await activateSocratune();
    await useEmulatorBackend(api);
    await vscode.commands.executeCommand('socratune.jobs.focus');
    await waitFor('jobs view visible', () => api.jobsView.visible);
    // The workbench runs headless: make sure polling is not paused for "window not focused".
    api.jobs.scheduler.setFocused(true);
  });

  after(async () => {
    api.jobs.backendHost.setExtraHeaders({});
    await rm(path.join(workspaceRoot().fsPath, '.socratune'), { recursive: true, force: true });
    for (const k of ['provider', 'baseUrl', 'chat.defaultModel']) await config().update(k, undefined, vscode.ConfigurationTarget.Workspace);
  });

  async function rootJob(jobId: string): Promise<{ el: JobsElement; item: vscode.TreeItem } | undefined> {
    const root = await api.jobs.tree.getChildren();
    const el = root.find((e) => e.kind === 'job' && e.jobId === jobId);
    return el ? { el, item: api.jobs.tree.getTreeItem(el) } : undefined;
  }

  let job: FineTuneJob;

  it('creates a job through the Start Fine-tune command (wizard code path) and it reaches succeeded in the tree', async () => {
    const folder = await makeDataset('it-journal', 12);
    const result = await vscode.commands.executeCommand<WizardResult>('socratune.startFineTune', {
      dataset: folder,
      baseModel: 'gpt-4.1-mini-2025-04-14',
      hyperparameters: { nEpochs: 3, batchSize: 'auto', learningRateMultiplier: 'auto' },
      suffix: 'it-journal',
      seed: 11,
      yes: true,
    });
    assert.equal(result.status, 'created', JSON.stringify(result));
    if (result.status !== 'created') return;
    job = result.job;
    assert.equal(job.metadata.socratune_dataset, 'it-journal');
    assert.ok(await api.jobs.manifests.load(job.id), 'manifest saved');
    const shown = await waitFor('the new job in the tree', () => rootJob(job.id));
    assert.match(String(shown.item.label), /it-journal/);
    const done = await waitFor(
      'the job to succeed in the tree',
      async () => {
        const r = await rootJob(job.id);
        return r && r.item.contextValue === 'job.succeeded' ? r : undefined;
      },
      60_000,
      200,
    );
    const icon = done.item.iconPath as vscode.ThemeIcon;
    assert.equal(icon.id, 'pass-filled');
    assert.match(String(done.item.description), /gpt-4\.1-mini-2025-04-14 · .* · .* tokens/);
    assert.ok(done.item.tooltip instanceof vscode.MarkdownString);
  });

  it('fires the succeeded notification once, with the model', async () => {
    const n = await waitFor('the succeeded notification', () => api.jobs.notifier.sent.find((x) => x.jobId === job.id));
    assert.equal(n.kind, 'succeeded');
    assert.match(n.message, /ft:gpt-4\.1-mini-2025-04-14:/);
    assert.equal(api.jobs.notifier.sent.filter((x) => x.jobId === job.id).length, 1);
  });

  it('shows checkpoints with their model IDs, the resulting model, and binds the training prompt', async () => {
    const children = await api.jobs.tree.getChildren(api.jobs.tree.jobElement(job.id));
    assert.deepEqual(
      children.map((c) => c.kind),
      ['section', 'section', 'section', 'resultModel'],
    );
    const cpSection = children.find((c) => c.kind === 'section' && c.section === 'checkpoints');
    assert.ok(cpSection);
    const cps = await waitFor('checkpoints', async () => {
      const list = (await api.jobs.tree.getChildren(cpSection)).filter((c) => c.kind === 'checkpoint');
      return list.length ? list : undefined;
    });
    for (const c of cps) {
      const item = api.jobs.tree.getTreeItem(c);
      assert.equal(item.contextValue, 'checkpoint');
      assert.match(String(item.description), /:ckpt-step-\d+$/);
    }
    const final = api.jobs.store.job(job.id)?.fineTunedModel;
    assert.ok(final);
    const bound = await waitFor('bound prompt', () => api.services.modelPrompts.get(final ?? ''));
    assert.equal(bound.systemPrompt, PROMPT);
    assert.equal(bound.source, 'job');
    // Models tree: grouped by base model.
    await api.models.tree.load();
    const groups = await api.models.tree.getChildren();
    const group = groups.find((g) => g.kind === 'group' && g.base === 'gpt-4.1-mini-2025-04-14');
    assert.ok(group, JSON.stringify(groups));
    const models = await api.models.tree.getChildren(group);
    assert.ok(models.some((m) => m.kind === 'model' && m.id === final));
  });

  it('hands the model to the chat view: chat with it, compare it with its base', async () => {
    const final = api.jobs.store.job(job.id)?.fineTunedModel ?? '';
    const chat = api.chat.session.settings;
    try {
      assert.equal(await vscode.commands.executeCommand('socratune.jobs.chatWith', { jobId: job.id }), true);
      assert.equal(chat.settings.model, final);
      assert.equal(chat.settings.compare.enabled, false);
      assert.equal(await vscode.commands.executeCommand('socratune.jobs.compareWithBase', { jobId: job.id }), true);
      assert.equal(chat.settings.model, final);
      assert.equal(chat.settings.compare.enabled, true);
      assert.equal(chat.settings.compare.model, 'gpt-4.1-mini-2025-04-14');
    } finally {
      await chat.setCompare(false);
    }
  });

  it('opens one Training Curves panel (a lazy chunk) even when asked twice at once, and overlays jobs in it', async () => {
    const [a, b] = await Promise.all([api.jobs.showTrainingCurves([job.id]), api.jobs.showTrainingCurves([job.id])]);
    try {
      assert.ok(a, 'a panel opened');
      assert.equal(b, a, 'the second call reused the first panel');
      assert.equal(api.jobs.curves(), a);
      assert.deepEqual(a.jobs, [job.id]);
    } finally {
      a?.dispose();
    }
    assert.equal(api.jobs.curves(), undefined, 'closing the panel forgets it');
  });

  it("streams a job's events into the output channel", async () => {
    await vscode.commands.executeCommand('socratune.showJobEvents', { jobId: job.id });
    const lines = api.jobs.events.written.filter((l) => l.includes(job.id));
    assert.ok(
      lines.some((l) => /Fine-tuning job started/.test(l)),
      lines.slice(0, 5).join('\n'),
    );
    assert.ok(lines.some((l) => /successfully completed/.test(l)));
    assert.ok(
      lines.some((l) => /no more events will come/.test(l)),
      'a finished job stops streaming',
    );
  });

  it('models: binds a prompt by hand, sets the default chat model, deletes after confirmation', async () => {
    const final = api.jobs.store.job(job.id)?.fineTunedModel ?? '';
    assert.ok(await vscode.commands.executeCommand('socratune.models.setBoundPrompt', { modelId: final, systemPrompt: 'Speak as Marcus.' }));
    assert.deepEqual(api.services.modelPrompts.get(final), { systemPrompt: 'Speak as Marcus.', source: 'user', datasetName: 'it-journal' });
    const before = config().inspect<string>('chat.defaultModel')?.globalValue;
    try {
      assert.ok(await vscode.commands.executeCommand('socratune.models.setDefault', { modelId: final }));
      assert.equal(config().inspect<string>('chat.defaultModel')?.globalValue, final);
    } finally {
      await config().update('chat.defaultModel', before, vscode.ConfigurationTarget.Global);
    }
    const cp = api.jobs.store.detailsOf(job.id).checkpoints.at(-1)?.modelId;
    assert.ok(cp);
    await api.models.tree.load();
    assert.ok(await vscode.commands.executeCommand('socratune.models.delete', { modelId: final, confirm: false }));
    assert.ok(!api.models.tree.fineTuned.some((m) => m.id === final), 'deleted model gone from the tree');
  });

  it('archives every job into a workspace folder, resumably', async () => {
    const folder = path.join(workspaceRoot().fsPath, '.socratune', 'archive-it');
    const first = await api.jobs.archive({ folder });
    assert.ok(first && !first.cancelled);
    assert.ok(first.jobs.some((j) => j.id === job.id));
    assert.ok(first.written > 0);
    const again = await api.jobs.archive({ folder });
    assert.equal(again?.written, 0, 'a second run writes nothing new');
  });

  it('cancels a running job from the tree command', async () => {
    const folder = await makeDataset('it-long', 150);
    const result = await api.jobs.startFineTune(undefined, {
      datasetFolder: folder,
      baseModel: 'gpt-4.1-mini-2025-04-14',
      hyperparameters: { nEpochs: 50, batchSize: 1, learningRateMultiplier: 'auto' },
      suffix: 'it-long',
      seed: 1,
      assumeYes: true,
    });
    assert.equal(result.status, 'created');
    if (result.status !== 'created') return;
    const el = api.jobs.tree.jobElement(result.job.id);
    const cancelled = await vscode.commands.executeCommand<FineTuneJob | undefined>('socratune.jobs.cancel', el);
    assert.ok(cancelled && (cancelled.status === 'cancelled' || cancelled.status === 'cancelling'), JSON.stringify(cancelled?.rawStatus));
    await waitFor('the job cancelled in the tree', async () => (await rootJob(result.job.id))?.item.contextValue === 'job.cancelled', 30_000, 200);
    await waitFor('the cancelled notification', () => api.jobs.notifier.sent.find((x) => x.jobId === result.job.id && x.kind === 'cancelled'));
    // Cancelling again is refused: it is no longer cancellable.
    assert.equal(await vscode.commands.executeCommand('socratune.jobs.cancel', el), undefined);
  });

  it('backs off on 429, keeps the list with an error node, and recovers', async () => {
    const folder = await makeDataset('it-429', 150);
    const result = await api.jobs.startFineTune(undefined, {
      datasetFolder: folder,
      baseModel: 'gpt-4.1-mini-2025-04-14',
      hyperparameters: { nEpochs: 50, batchSize: 1 },
      suffix: 'it-429',
      seed: 2,
      assumeYes: true,
    });
    assert.equal(result.status, 'created');
    if (result.status !== 'created') return;
    const count = api.jobs.store.jobs.length;
    api.jobs.backendHost.setExtraHeaders({ 'x-emulator-fault': '429;retry-after-ms=3000;path=/fine_tuning' });
    const before = Date.now();
    await api.jobs.scheduler.pollNow();
    assert.equal(api.jobs.store.error?.kind, 'rate-limit');
    assert.equal(api.jobs.store.jobs.length, count, 'the last good list stays');
    const root = await api.jobs.tree.getChildren();
    assert.equal(root[0]?.kind, 'error');
    const next = api.jobs.scheduler.nextPollAt;
    assert.ok(next !== undefined && next - before >= 3000, `next poll honours retry-after (in ${next !== undefined ? next - before : 'never'} ms)`);
    api.jobs.backendHost.setExtraHeaders({});
    await vscode.commands.executeCommand('socratune.jobs.refresh');
    await waitFor('the error node to go away', () => api.jobs.store.error === undefined);
    assert.notEqual((await api.jobs.tree.getChildren())[0]?.kind, 'error');
    await vscode.commands.executeCommand('socratune.jobs.cancel', api.jobs.tree.jobElement(result.job.id));
  });

  it('shows a "Set API Key" error node instead of an empty tree when the key is missing', async () => {
    await vscode.commands.executeCommand('socratune.clearApiKey', { provider: 'emulator', silent: true });
    try {
      await waitFor('the error node', async () => {
        await api.jobs.store.load();
        const root = await api.jobs.tree.getChildren();
        const first = root[0];
        return first?.kind === 'error' && first.info.kind === 'no-key' ? first : undefined;
      });
      const item = api.jobs.tree.getTreeItem((await api.jobs.tree.getChildren())[0]);
      assert.equal(item.command?.command, 'socratune.setApiKey');
    } finally {
      await api.demoKey.syncNow();
    }
  });
});
