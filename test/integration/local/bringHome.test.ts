import { strict as assert } from 'node:assert';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { WizardResult } from '../../../src/core/jobs/wizard';
import { startEmulator, type EmulatorHandle } from '../../../src/emulator';
import type { SocratuneApi } from '../../../src/extension';
import type { BringHomeResult } from '../../../src/local/bringHome';
import { activateSocratune, waitFor, workspaceRoot } from '../support/host';

const QWEN = 'Qwen/Qwen3-8B';
const PROMPT = 'You are a patient gardener who answers with questions.';

/**
 * Issue 12, "bring the model home": a Together LoRA fine-tune (emulator --flavor together) downloaded by
 * "Bring Home (Download Weights)…" driven by command arguments into a run folder that is a finished local run, then
 * served by Chat with This Adapter (Ollama is not installed here: its Modelfile is written, `ollama create` fails).
 */
describe('local: bring a Together fine-tune home (download weights, then Chat with This Adapter)', function () {
  this.timeout(120_000);
  let api: SocratuneApi;
  let emu: EmulatorHandle;
  let folder: string;
  const config = () => vscode.workspace.getConfiguration('socratune');
  const saved: Record<string, unknown> = {};
  const runDir = (name: string) => path.join(workspaceRoot().fsPath, '.socratune', 'runs', name);
  const bringHome = (args: Record<string, unknown>) => vscode.commands.executeCommand<BringHomeResult>('socratune.bringHome', args);

  before(async () => {
    api = await activateSocratune();
    emu = await startEmulator({ flavor: 'together', timeScale: 5_000, tokensPerSecond: 0 });
    for (const k of ['provider', 'baseUrl', 'chat.defaultModel']) saved[k] = config().inspect(k)?.workspaceValue;
    await vscode.commands.executeCommand('socratune.setApiKey', { provider: 'together', key: emu.key });
    await config().update('provider', 'together', vscode.ConfigurationTarget.Workspace);
    await config().update('baseUrl', emu.url, vscode.ConfigurationTarget.Workspace);
    folder = path.join(workspaceRoot().fsPath, '.socratune', 'datasets', 'bring-home');
    await mkdir(folder, { recursive: true });
    const lines = Array.from({ length: 12 }, (_, i) =>
      JSON.stringify({
        messages: [
          { role: 'user', content: `What did week ${i} of pruning teach?` },
          { role: 'assistant', content: `What would the rose say about week ${i}, if cutting back is also growing?` },
        ],
      }),
    );
    await writeFile(path.join(folder, 'train.jsonl'), lines.join('\n') + '\n');
    await writeFile(path.join(folder, 'dataset.json'), JSON.stringify({ name: 'bring-home', format: 'markdown', version: 1 }));
  });

  after(async () => {
    await rm(folder, { recursive: true, force: true });
    await rm(runDir('home-qwen'), { recursive: true, force: true });
    for (const k of Object.keys(saved)) await config().update(k, saved[k], vscode.ConfigurationTarget.Workspace);
    await vscode.commands.executeCommand('socratune.clearApiKey', { provider: 'together', silent: true });
    await emu?.close();
  });

  it('downloads the adapter into a valid run folder, and Chat with This Adapter writes its Modelfile', async () => {
    const r = await vscode.commands.executeCommand<WizardResult>('socratune.startFineTune', { dataset: folder, baseModel: QWEN, suffix: 'home', yes: true });
    assert.equal(r.status, 'created', JSON.stringify(r));
    if (r.status !== 'created') return;
    const jobId = r.job.id;

    const unknown = await bringHome({ jobId: 'ft-00000000-0000-0000-0000-000000000000', name: 'home-qwen', yes: true, chat: false });
    assert.equal(unknown.status, 'blocked', 'an unknown job is refused');
    assert.equal(existsSync(runDir('home-qwen')), false, 'a refusal writes nothing');

    const model = await waitFor(
      'the Together job to succeed',
      async () => {
        await api.jobs.store.load();
        const j = api.jobs.store.job(jobId);
        return j?.status === 'succeeded' ? j.fineTunedModel : undefined;
      },
      60_000,
      200,
    );
    await api.services.modelPrompts.set(model, { systemPrompt: PROMPT, source: 'user', datasetName: 'bring-home' });

    const res = await bringHome({ jobId, name: 'home-qwen', yes: true, chat: { server: 'ollama', ollamaFrom: 'qwen3:8b', yes: true } });
    assert.equal(res.status, 'downloaded', JSON.stringify(res));
    if (res.status !== 'downloaded') return;
    assert.equal(res.jobId, 'local:home-qwen');
    assert.equal(res.chatted, false, 'ollama is not installed here: chat is not switched');
    const dir = runDir('home-qwen');
    assert.equal(res.dir, dir);

    // The file landed, and was unpacked into adapter/.
    const archive = path.join(dir, `${jobId}-adapter.tar.zst`);
    assert.equal(readFileSync(archive).length, res.bytes);
    const cfg = JSON.parse(readFileSync(path.join(dir, 'adapter', 'adapter_config.json'), 'utf8')) as Record<string, unknown>;
    assert.deepEqual([cfg.base_model_name_or_path, cfg.peft_type], [QWEN, 'LORA']);
    assert.ok(existsSync(path.join(dir, 'adapter', 'adapter_model.safetensors')));

    // The run folder is a finished local run, marked as downloaded from Together, with the bound prompt.
    const recipe = JSON.parse(readFileSync(path.join(dir, 'recipe.json'), 'utf8')) as Record<string, unknown>;
    assert.deepEqual(
      [recipe.name, recipe.baseModel, recipe.adapterDir, recipe.systemPrompt, recipe.dataset],
      ['home-qwen', QWEN, 'adapter', PROMPT, 'bring-home'],
    );
    assert.deepEqual(recipe.downloadedFrom, { provider: 'together', jobId, model, checkpoint: 'adapter', archive: path.basename(archive) });
    assert.equal(readFileSync(path.join(dir, 'system_prompt.txt'), 'utf8'), PROMPT);
    assert.equal(api.jobs.store.job('local:home-qwen')?.status, 'succeeded');

    // Chat with This Adapter's plan for that folder: the Modelfile (base + ./adapter + the bound prompt).
    assert.equal(
      readFileSync(path.join(dir, 'Modelfile'), 'utf8'),
      `# Generated by Socratune: base model + LoRA adapter + the system prompt it was trained with.\nFROM qwen3:8b\nADAPTER ./adapter\nSYSTEM """${PROMPT}"""\n`,
    );
    assert.equal(config().get('provider'), 'together');

    const again = await bringHome({ jobId, name: 'home-qwen', yes: true, chat: false });
    assert.equal(again.status, 'blocked');
    if (again.status === 'blocked') assert.match(again.message, /exists already/);
  });
});
