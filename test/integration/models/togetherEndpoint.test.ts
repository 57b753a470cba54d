import { strict as assert } from 'node:assert';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { WizardResult } from '../../../src/core/jobs/wizard';
import type { TogetherBackend } from '../../../src/core/backends/together';
import { startEmulator, type EmulatorHandle } from '../../../src/emulator';
import type { SocratuneApi } from '../../../src/extension';
import { activateSocratune, waitFor, workspaceRoot } from '../support/host';

const QWEN = 'Qwen/Qwen3-8B';
const HARDWARE = '1x_nvidia_h100_80gb_sxm';

type Result =
  | { status: 'created' | 'started' | 'stopped'; endpoint: { id: string; name: string; state: string }; confirmation?: string }
  | { status: 'cancelled'; confirmation?: string }
  | { status: 'blocked' | 'failed'; message: string };

/**
 * A Together fine-tune that answers only through a dedicated endpoint, in the real extension host against the
 * emulator's Together flavor: "Dedicated Endpoint…" driven by command arguments creates nothing until its price
 * confirmation (per minute, with the hardware's price) is accepted; chat goes to the endpoint once it is STARTED.
 */
describe('Together dedicated endpoint from the Models view (emulator --flavor together)', function () {
  this.timeout(120_000);
  let api: SocratuneApi;
  let emu: EmulatorHandle;
  let folder: string;
  let model = '';
  const config = () => vscode.workspace.getConfiguration('socratune');
  const saved: Record<string, unknown> = {};
  const endpoint = (arg: Record<string, unknown>) => vscode.commands.executeCommand<Result>('socratune.models.togetherEndpoint', { modelId: model, ...arg });
  const together = async () => {
    // The test bundle has its own copy of the class: check the kind, not `instanceof`.
    const b = await api.jobs.backendHost.backend();
    assert.equal(b.kind, 'together');
    return b as TogetherBackend;
  };

  before(async () => {
    api = await activateSocratune();
    emu = await startEmulator({ flavor: 'together', timeScale: 5_000, tokensPerSecond: 0 });
    for (const k of ['provider', 'baseUrl']) saved[k] = config().inspect(k)?.workspaceValue;
    await vscode.commands.executeCommand('socratune.setApiKey', { provider: 'together', key: emu.key });
    await config().update('provider', 'together', vscode.ConfigurationTarget.Workspace);
    await config().update('baseUrl', emu.url, vscode.ConfigurationTarget.Workspace);
    folder = path.join(workspaceRoot().fsPath, '.socratune', 'datasets', 'together-endpoint');
    await mkdir(folder, { recursive: true });
    const lines = Array.from({ length: 12 }, (_, i) =>
      JSON.stringify({
        messages: [
          { role: 'user', content: `What did day ${i} in the garden teach?` },
          { role: 'assistant', content: `Day ${i} in the garden taught me that roots grow in the dark (${i}).` },
        ],
      }),
    );
    await writeFile(path.join(folder, 'train.jsonl'), lines.join('\n') + '\n');
    await writeFile(path.join(folder, 'dataset.json'), JSON.stringify({ name: 'together-endpoint', format: 'markdown', version: 1 }));
  });

  after(async () => {
    await rm(folder, { recursive: true, force: true });
    for (const k of ['provider', 'baseUrl']) await config().update(k, saved[k], vscode.ConfigurationTarget.Workspace);
    await vscode.commands.executeCommand('socratune.clearApiKey', { provider: 'together', silent: true });
    await emu?.close();
  });

  it('trains a LoRA fine-tune of a base without serverless LoRA; the Models tree says it needs a dedicated endpoint', async () => {
    const r = await vscode.commands.executeCommand<WizardResult>('socratune.startFineTune', { dataset: folder, baseModel: QWEN, suffix: 'garden', yes: true });
    assert.equal(r.status, 'created', JSON.stringify(r));
    if (r.status !== 'created') return;
    model = await waitFor(
      'the Qwen job to succeed',
      async () => {
        await api.jobs.store.load();
        const j = api.jobs.store.job(r.job.id);
        return j?.status === 'succeeded' ? j.fineTunedModel : undefined;
      },
      60_000,
      200,
    );
    const t = (await together()).chatTarget(model);
    assert.ok(!t.ok && t.reason === 'needs-endpoint', JSON.stringify(t));
    await api.models.tree.load();
    const group = (await api.models.tree.getChildren()).find((e) => e.kind === 'group' && e.base === QWEN);
    assert.ok(group, 'the fine-tune is listed under its base');
    const el = (await api.models.tree.getChildren(group)).find((e) => e.kind === 'model' && e.id === model);
    assert.ok(el);
    assert.match(String(api.models.tree.getTreeItem(el).description), /needs a dedicated endpoint/);
  });

  it('refuses bad replica counts and unknown hardware, and a declined price confirmation creates nothing', async () => {
    const zero = await endpoint({ action: 'create', hardware: HARDWARE, minReplicas: 0, maxReplicas: 1 });
    assert.equal(zero.status, 'blocked');
    if (zero.status === 'blocked') assert.match(zero.message, /At least 1 replica.*No endpoint was created/);
    const hw = await endpoint({ action: 'create', hardware: '8x_nope', minReplicas: 1, maxReplicas: 1 });
    assert.equal(hw.status, 'blocked');
    if (hw.status === 'blocked') assert.match(hw.message, /does not offer hardware 8x_nope/);
    const declined = await endpoint({ action: 'create', hardware: HARDWARE, minReplicas: 1, maxReplicas: 2, answerConfirmation: false });
    assert.equal(declined.status, 'cancelled');
    if (declined.status === 'cancelled') {
      assert.match(declined.confirmation ?? '', /billed per minute while it runs, even when idle/);
      assert.match(declined.confirmation ?? '', /5\.58¢ per minute per replica \(\$3\.35 per hour\)/);
      assert.match(declined.confirmation ?? '', /1–2 replicas: \$3\.35 to \$6\.70 per hour/);
    }
    assert.deepEqual(await (await together()).endpoints.list(model), [], 'nothing was created');
  });

  it('creates the endpoint once the confirmation is accepted; chat goes to it once STARTED; stop works', async () => {
    const r = await endpoint({ action: 'create', hardware: HARDWARE, minReplicas: 1, maxReplicas: 1, answerConfirmation: true });
    assert.equal(r.status, 'created', JSON.stringify(r));
    if (r.status !== 'created') return;
    assert.match(r.confirmation ?? '', /per minute/);
    const name = r.endpoint.name;
    const b = await together();
    // 240 simulated seconds at timeScale 5000: STARTED within a fraction of a second.
    await waitFor('the endpoint to be STARTED', async () => ((await b.endpoints.get(r.endpoint.id)).state === 'STARTED' ? true : undefined), 20_000, 100);
    await b.refreshEndpoints();
    assert.deepEqual(b.chatTarget(model), { ok: true, model: name, note: `Dedicated endpoint ${name} (billed per minute while it runs)` });
    assert.equal(await vscode.commands.executeCommand('socratune.models.chatWith', { modelId: model }), true);
    assert.equal(api.chat.session.settings.settings.model, name, 'chat sends the endpoint’s name');
    const stopped = await endpoint({ action: 'stop' });
    assert.equal(stopped.status, 'stopped', JSON.stringify(stopped));
    await waitFor('the endpoint to be STOPPED', async () => ((await b.endpoints.get(r.endpoint.id)).state === 'STOPPED' ? true : undefined), 20_000, 100);
    await b.refreshEndpoints();
    const t = b.chatTarget(model);
    assert.ok(!t.ok && /is STOPPED\. Start it/.test(t.message), JSON.stringify(t));
  });
});
