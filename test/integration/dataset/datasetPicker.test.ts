import { strict as assert } from 'node:assert';
import { rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { openDatasetPicker } from '../../../src/dataset/datasets';
import type { SocratuneApi } from '../../../src/extension';
import { activateSocratune } from '../support/host';

/** Issue 15 #10: Select Dataset… shows every dataset at once; what it says about each one is filled in afterwards. */
describe('dataset: Select Dataset… opens before any dataset is read', () => {
  let api: SocratuneApi;
  let dsUri: vscode.Uri;
  let previousActive: vscode.Uri | undefined;
  const name = `picker-${Date.now().toString(36)}`;

  before(async () => {
    api = await activateSocratune();
    previousActive = api.services.activeDataset.uri;
    dsUri = (await vscode.commands.executeCommand<vscode.Uri>('socratune.createDataset', { name, systemPrompt: 'Answer as me.' })) as vscode.Uri;
    const line = (i: number) =>
      JSON.stringify({
        messages: [
          { role: 'user', content: `q${i}` },
          { role: 'assistant', content: `a${i}` },
        ],
      });
    writeFileSync(path.join(dsUri.fsPath, 'train.jsonl'), `${[1, 2, 3].map(line).join('\n')}\n`);
    writeFileSync(path.join(dsUri.fsPath, 'validation.jsonl'), `${line(4)}\n`);
  });

  after(async () => {
    await api.services.activeDataset.set(previousActive);
    rmSync(dsUri.fsPath, { recursive: true, force: true });
  });

  it('lists every dataset while none has been read yet, then fills each detail line', async () => {
    const all = await api.dataset.service.list();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const asked: string[] = [];
    const picker = openDatasetPicker(all, dsUri.fsPath, async (dir) => {
      asked.push(dir);
      await gate;
      return `read ${path.basename(dir)}`;
    });
    try {
      const items = picker.quickPick.items;
      const ours = items.find((i) => i.uri?.fsPath === dsUri.fsPath);
      assert.ok(ours, `the dataset is listed at once: ${items.map((i) => i.label).join(', ')}`);
      assert.equal(ours.label, `$(check) ${name}`, 'the active one is marked');
      assert.equal(items.filter((i) => i.uri).length, all.length, 'every dataset is listed');
      assert.ok(
        items.filter((i) => i.uri).every((i) => i.detail?.includes('counting examples')),
        'no detail is known yet',
      );
      assert.equal(picker.quickPick.busy, true);
      assert.ok(items.some((i) => i.action === 'create') && items.some((i) => i.action === 'folder'));
      release();
      await picker.described;
      assert.equal(picker.quickPick.items.find((i) => i.uri?.fsPath === dsUri.fsPath)?.detail, `read ${name}`);
      assert.equal(picker.quickPick.busy, false);
      assert.equal(asked.length, all.length);
    } finally {
      picker.quickPick.hide();
    }
    assert.equal(await picker.picked, undefined, 'closing the picker picks nothing');
  });

  it('says what each dataset holds from a line count and its settings, nothing validated', async () => {
    const picker = openDatasetPicker(await api.dataset.service.list(), undefined);
    try {
      await picker.described;
      const ours = picker.quickPick.items.find((i) => i.uri?.fsPath === dsUri.fsPath);
      assert.equal(ours?.label, name, 'not the active one: no check mark');
      assert.equal(ours?.detail, '3 training + 1 validation examples · markdown · system prompt: “Answer as me.”');
    } finally {
      picker.quickPick.hide();
    }
  });
});
