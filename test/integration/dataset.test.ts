import { strict as assert } from 'node:assert';
import { appendFileSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { AddSelectionResult } from '../../src/dataset/addSelection';
import type { ImportResult } from '../../src/dataset/importJournal';
import type { ScanResult } from '../../src/dataset/scan';
import type { SocratuneApi } from '../../src/extension';
import { activateSocratune, flushedLog, waitFor, workspaceRoot } from './support/host';

const JOURNAL = '2026-journal.md';

function jsonl(file: string): { messages: { role: string; content: string }[] }[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l));
}

async function openJournal(): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(workspaceRoot(), JOURNAL));
  return vscode.window.showTextDocument(doc);
}

/** 0-based line of the first line starting with `prefix` in the sample journal. */
function lineOf(editor: vscode.TextEditor, prefix: string): number {
  for (let i = 0; i < editor.document.lineCount; i++) if (editor.document.lineAt(i).text.startsWith(prefix)) return i;
  throw new Error(`no line starting with ${prefix}`);
}

/** Select a whole entry: from its heading to the last line before the next heading. */
function entrySelection(editor: vscode.TextEditor, heading: string): vscode.Selection {
  const start = lineOf(editor, heading);
  let end = start + 1;
  while (end < editor.document.lineCount && !editor.document.lineAt(end).text.startsWith('## ')) end++;
  return new vscode.Selection(start, 0, end - 1, editor.document.lineAt(end - 1).text.length);
}

describe('dataset authoring (real VS Code)', function () {
  this.timeout(60_000);
  let api: SocratuneApi;
  let dsUri: vscode.Uri;
  let train: string;
  let previousActive: vscode.Uri | undefined;
  const name = `itest-${Date.now().toString(36)}`;

  before(async () => {
    api = await activateSocratune();
    previousActive = api.services.activeDataset.uri;
    dsUri = (await vscode.commands.executeCommand<vscode.Uri>('socratune.createDataset', {
      name,
      systemPrompt: 'Answer as me, from my journal.',
    })) as vscode.Uri;
    assert.ok(dsUri, 'dataset created');
    assert.equal(api.services.activeDataset.uri?.fsPath, dsUri.fsPath, 'the new dataset is active');
    train = path.join(dsUri.fsPath, 'train.jsonl');
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await api.services.activeDataset.set(previousActive);
    for (const d of [dsUri.fsPath, `${dsUri.fsPath}-redacted`]) rmSync(d, { recursive: true, force: true });
    for (const f of ['notes.txt', 'latin1.md', 'binary.md']) rmSync(path.join(workspaceRoot().fsPath, f), { force: true });
  });

  it('adds the selected passage: cleaned answer, proposed prompt, system prompt, provenance', async () => {
    const editor = await openJournal();
    editor.selection = entrySelection(editor, '## 2026-03-01 — On money');
    const r = (await vscode.commands.executeCommand<AddSelectionResult>('socratune.addSelection', {
      prompts: ['What are your thoughts on money?'],
    })) as AddSelectionResult;
    assert.equal(r.error, undefined);
    assert.equal(r.added.length, 1);
    assert.equal(r.added[0].line, 1);
    assert.deepEqual(jsonl(train), [
      {
        messages: [
          { role: 'system', content: 'Answer as me, from my journal.' },
          { role: 'user', content: 'What are your thoughts on money?' },
          { role: 'assistant', content: 'Enough is a number you decide before you earn it. Decide it afterwards and it moves every time.' },
        ],
      },
    ]);
    const prov = jsonl(path.join(dsUri.fsPath, 'provenance.jsonl')) as unknown as {
      id: string;
      origin: string;
      source: { file: string; startLine: number; endLine: number };
    }[];
    assert.equal(prov[0].id, r.added[0].id);
    assert.equal(prov[0].origin, 'selection');
    assert.deepEqual([prov[0].source.file, prov[0].source.startLine], [JOURNAL, lineOf(editor, '## 2026-03-01')]);
  });

  it('undo removes exactly that example, even after a hand edit elsewhere in the file', async () => {
    const editor = await openJournal();
    editor.selection = entrySelection(editor, '## 2026-04-05');
    const r = (await vscode.commands.executeCommand<AddSelectionResult>('socratune.addSelection', { prompts: ['Is rest a reward?'] })) as AddSelectionResult;
    const before = readFileSync(train, 'utf8');
    const hand = JSON.stringify({
      messages: [
        { role: 'user', content: 'typed by hand' },
        { role: 'assistant', content: 'a hand-written answer' },
      ],
    });
    writeFileSync(train, `${hand}\n${before}`);
    await vscode.commands.executeCommand('socratune.removeExamples', { ids: [r.added[0].id] });
    const after = jsonl(train);
    assert.deepEqual(
      after.map((e) => e.messages.find((m) => m.role === 'user')?.content),
      ['typed by hand', 'What are your thoughts on money?'],
    );
    // Put the file back as it was before the hand edit (minus the undone example).
    writeFileSync(train, readFileSync(train, 'utf8').split('\n').slice(1).join('\n'));
  });

  it('turns every selection of a multi-cursor into its own example, in document order', async () => {
    const editor = await openJournal();
    const sels = [entrySelection(editor, '## 2026-05-17'), entrySelection(editor, '## 2026-02-14'), entrySelection(editor, '## 2026-03-08')];
    editor.selections = sels;
    const r = (await vscode.commands.executeCommand<AddSelectionResult>('socratune.addSelection', {
      prompts: ['What is friendship?', 'What do I do with anger?', 'What is loneliness?'],
    })) as AddSelectionResult;
    assert.equal(r.added.length, 3);
    const lines = jsonl(train);
    assert.equal(lines.length, 4);
    assert.deepEqual(
      lines.slice(1).map((e) => [e.messages[1].content, e.messages[2].content.slice(0, 20)]),
      [
        ['What is friendship?', 'Friendship is mostly'],
        ['What do I do with anger?', 'Anger is a letter I '],
        ['What is loneliness?', 'Loneliness is not th'],
      ],
    );
  });

  it('warns about a duplicate with the location of the existing example; the user decides', async () => {
    const editor = await openJournal();
    editor.selection = entrySelection(editor, '## 2026-03-01 — On money');
    const skip = (await vscode.commands.executeCommand<AddSelectionResult>('socratune.addSelection', {
      prompts: ['Money again?'],
      onDuplicate: 'skip',
    })) as AddSelectionResult;
    assert.equal(skip.added.length, 0);
    assert.equal(skip.skipped[0].reason, 'duplicate');
    assert.deepEqual([skip.skipped[0].duplicateOf?.kind, skip.skipped[0].duplicateOf?.line, skip.skipped[0].duplicateOf?.split], ['exact', 1, 'train']);
    assert.equal(jsonl(train).length, 4, 'nothing written');
    // A near-duplicate (one word changed in the journal) is reported as such.
    const ws = new vscode.WorkspaceEdit();
    const l = lineOf(editor, 'Enough is a number');
    ws.replace(editor.document.uri, new vscode.Range(l, 0, l, 6), 'Enough, truly, is');
    await vscode.workspace.applyEdit(ws);
    editor.selection = entrySelection(editor, '## 2026-03-01 — On money');
    const near = (await vscode.commands.executeCommand<AddSelectionResult>('socratune.addSelection', {
      prompts: ['Money?'],
      onDuplicate: 'skip',
    })) as AddSelectionResult;
    assert.equal(near.skipped[0].duplicateOf?.kind, 'near');
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });

  it('refuses bad input with nothing written: empty selection, non-markdown, 10 MB, non-UTF-8', async () => {
    const count = () => jsonl(train).length;
    const n = count();
    const editor = await openJournal();
    editor.selection = new vscode.Selection(3, 0, 3, 0);
    const empty = (await vscode.commands.executeCommand<AddSelectionResult>('socratune.addSelection', { prompts: ['x'] })) as AddSelectionResult;
    assert.match(empty.error ?? '', /selection is empty/);

    writeFileSync(path.join(workspaceRoot().fsPath, 'notes.txt'), 'A plain text note that is long enough to be a passage.\n');
    const txt = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(vscode.Uri.joinPath(workspaceRoot(), 'notes.txt')));
    txt.selection = new vscode.Selection(0, 0, 0, 40);
    const notMd = (await vscode.commands.executeCommand<AddSelectionResult>('socratune.addSelection', { prompts: ['x'] })) as AddSelectionResult;
    assert.match(notMd.error ?? '', /not markdown/);

    const big = await vscode.window.showTextDocument(
      await vscode.workspace.openTextDocument({ language: 'markdown', content: `# Big\n${'word '.repeat(2 * 1024 * 1024)}` }),
    );
    big.selection = new vscode.Selection(0, 0, 1, big.document.lineAt(1).text.length);
    const huge = (await vscode.commands.executeCommand<AddSelectionResult>('socratune.addSelection', { prompts: ['x'] })) as AddSelectionResult;
    assert.equal(huge.skipped[0].reason, 'too-large');
    assert.match(huge.skipped[0].message, /10\.0 MB/);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');

    writeFileSync(path.join(workspaceRoot().fsPath, 'latin1.md'), Buffer.from('Caf\xe9 au lait, a note saved in Latin-1 by an old editor.\n', 'latin1'));
    const latin = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(vscode.Uri.joinPath(workspaceRoot(), 'latin1.md')));
    latin.selection = new vscode.Selection(0, 0, 0, latin.document.lineAt(0).text.length);
    const bad = (await vscode.commands.executeCommand<AddSelectionResult>('socratune.addSelection', { prompts: ['x'] })) as AddSelectionResult;
    assert.equal(bad.skipped[0]?.reason, 'binary');
    assert.match(bad.skipped[0].message, /not valid UTF-8/);
    assert.equal(count(), n, 'nothing was written');
  });

  it('socratune.addExample (chat) appends through the same store and returns { id, datasetUri }', async () => {
    const r = (await vscode.commands.executeCommand<{ id: string; datasetUri: vscode.Uri; line?: number }>('socratune.addExample', {
      user: 'How do I start?',
      assistant: 'Make the first attempt deliberately small: one paragraph, one call. Mail me at jane.doe@example.org.',
      origin: 'chat',
    })) as { id: string; datasetUri: vscode.Uri; line?: number };
    assert.match(r.id, /^ex_/);
    assert.equal(r.datasetUri.fsPath, dsUri.fsPath);
    const last = jsonl(train).pop();
    assert.deepEqual(
      last?.messages.map((m) => m.role),
      ['system', 'user', 'assistant'],
    );
    await assert.rejects(Promise.resolve(vscode.commands.executeCommand('socratune.addExample', { user: 'q', origin: 'chat' })), /needs \{ user/);
  });

  it('reports a corrupted line with its number and keeps it; quarantine moves it on request', async () => {
    appendFileSync(train, '{"messages": [oops\n');
    const badLine = readFileSync(train, 'utf8')
      .split('\n')
      .filter((l) => l).length;
    const snap = await (await api.dataset.service.openAt(dsUri)).store.snapshot();
    assert.deepEqual(
      snap.issues.map((i) => [i.line, i.problem]),
      [[badLine, 'invalid-json']],
    );
    const editor = await openJournal();
    editor.selection = entrySelection(editor, '## 2026-04-19 — On change');
    const r = (await vscode.commands.executeCommand<AddSelectionResult>('socratune.addSelection', {
      prompts: ['How do people change?'],
    })) as AddSelectionResult;
    assert.equal(r.added.length, 1, 'adding still works next to a corrupt line');
    assert.ok(readFileSync(train, 'utf8').includes('{"messages": [oops\n'), 'the corrupt line is kept');
    const before = readFileSync(train);
    const moved = await vscode.commands.executeCommand<number>('socratune.quarantineDatasetLines', {});
    assert.equal(moved, 1);
    assert.ok(readFileSync(path.join(dsUri.fsPath, 'quarantine.jsonl'), 'utf8').includes('oops'));
    // Issue 15 #5: it says what moved where (the same text as the notification, in the log), with Undo.
    const log = await flushedLog(api);
    assert.ok(log.includes(`Moved 1 line of “${name}” (train.jsonl line ${badLine}) to ${name}/quarantine.jsonl, byte for byte.`), log.slice(-2000));
    assert.match(await api.dataset.undoQuarantine(), /Undone: the lines are back in train\.jsonl/);
    assert.ok(readFileSync(train).equals(before), 'train.jsonl is byte-identical to before the move');
    assert.ok(!existsSync(path.join(dsUri.fsPath, 'quarantine.jsonl')), 'the quarantine file it created is gone');
    assert.equal(await vscode.commands.executeCommand<number>('socratune.quarantineDatasetLines', {}), 1, 'and it can be moved again');
  });

  it('imports the journal: splits entries, proposes prompts, flags duplicates, writes only accepted ones', async () => {
    const before = jsonl(train).length;
    const r = (await vscode.commands.executeCommand<ImportResult>('socratune.importJournal', {
      uris: [vscode.Uri.joinPath(workspaceRoot(), JOURNAL).toString()],
      accept: 'proposed',
    })) as ImportResult;
    assert.equal(r.candidates.length, 12);
    const money = r.candidates.find((c) => c.prompt === 'What are your thoughts on money?');
    assert.ok(money?.duplicate?.includes('train.jsonl line 1'), `duplicate of line 1: ${money?.duplicate}`);
    const criticism = r.candidates.find((c) => c.prompt === 'How should I take criticism I think is unfair?');
    assert.ok(criticism && !criticism.duplicate);
    const expected = r.candidates.filter((c) => c.prompt && !c.duplicate).length;
    assert.equal(r.added.length, expected);
    assert.equal(jsonl(train).length, before + expected);
    const qa = jsonl(train).find((e) => e.messages[1].content === 'How should I take criticism I think is unfair?');
    assert.ok(qa?.messages[2].content.startsWith('First ask whether any part of it is true'), 'the Q/A answer became the example');
  });

  it('navigates provenance both ways with CodeLens', async () => {
    // The lens command needs the document loaded in the workbench.
    await vscode.workspace.openTextDocument(vscode.Uri.file(train));
    const trainLenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', vscode.Uri.file(train))) ?? [];
    const toMoney = trainLenses.find((l) => l.range.start.line === 0 && l.command?.title.includes(`${JOURNAL}:`));
    assert.ok(toMoney, `lens on line 1: ${trainLenses.map((l) => l.command?.title).join(' | ')}`);
    await vscode.commands.executeCommand(toMoney.command?.command as string, ...(toMoney.command?.arguments ?? []));
    const ed = await waitFor('journal editor', () =>
      vscode.window.activeTextEditor?.document.uri.fsPath.endsWith(JOURNAL) ? vscode.window.activeTextEditor : undefined,
    );
    assert.equal(ed.selection.start.line, lineOf(ed, '## 2026-03-01'));
    const journalLenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', ed.document.uri)) ?? [];
    const lens = journalLenses.find((l) => l.range.start.line === lineOf(ed, '## 2026-03-01'));
    assert.ok(lens && lens.command?.title.includes(`In “${name}”`), journalLenses.map((l) => l.command?.title).join(' | '));
    await vscode.commands.executeCommand(lens.command?.command as string, ...(lens.command?.arguments ?? []));
    await waitFor(
      'train.jsonl editor at line 1',
      () => vscode.window.activeTextEditor?.document.uri.fsPath === train && vscode.window.activeTextEditor.selection.start.line === 0,
    );
  });

  it('scans for personal data (diagnostics at the exact place) and writes a redacted copy only on request', async () => {
    const r = (await vscode.commands.executeCommand<ScanResult>('socratune.scanDataset', { quiet: true })) as ScanResult;
    const email = r.findings.find((f) => f.kind === 'email');
    assert.ok(email, JSON.stringify(r.findings));
    const raw = readFileSync(train, 'utf8').split('\n')[email.line - 1];
    assert.equal(raw.slice(email.column, email.endColumn), 'jane.doe@example.org');
    const diags = vscode.languages.getDiagnostics(vscode.Uri.file(train)).filter((d) => d.source === 'Socratune privacy');
    assert.ok(diags.some((d) => d.range.start.line === email.line - 1 && d.range.start.character === email.column));
    const before = readFileSync(train, 'utf8');
    const red = (await vscode.commands.executeCommand<ScanResult>('socratune.scanDataset', { redact: { name: `${name}-redacted` } })) as ScanResult;
    assert.ok(red.redactedCopy && red.redactedCopy.replacements >= 1);
    const copy = readFileSync(path.join(`${dsUri.fsPath}-redacted`, 'train.jsonl'), 'utf8');
    assert.ok(copy.includes('[EMAIL]') && !copy.includes('jane.doe@example.org'));
    assert.equal(readFileSync(train, 'utf8'), before, 'the original dataset is unchanged');
  });

  it('splits deterministically and exports ShareGPT / Alpaca', async () => {
    const total = jsonl(train).length;
    const s = (await vscode.commands.executeCommand<{ train: number; validation: number; leakageAfter: number }>('socratune.splitDataset', {
      ratio: 0.2,
      seed: 3,
    })) as { train: number; validation: number; leakageAfter: number };
    assert.equal(s.train + s.validation, total);
    assert.ok(s.validation >= 1);
    assert.equal(s.leakageAfter, 0);
    assert.equal(jsonl(path.join(dsUri.fsPath, 'validation.jsonl')).length, s.validation);
    const target = path.join(dsUri.fsPath, 'exports', 'out-sharegpt.jsonl');
    const e = (await vscode.commands.executeCommand<{ files: { path: string; exported: number }[] }>('socratune.exportDataset', {
      format: 'sharegpt',
      target,
    })) as { files: { path: string; exported: number }[] };
    assert.deepEqual(
      e.files.map((f) => [path.basename(f.path), f.exported]),
      [
        ['out-sharegpt.jsonl', s.train],
        ['out-sharegpt-validation.jsonl', s.validation],
      ],
    );
    const first = JSON.parse(readFileSync(target, 'utf8').split('\n')[0]);
    assert.deepEqual(
      first.conversations.map((c: { from: string }) => c.from),
      ['system', 'human', 'gpt'],
    );
  });
});
