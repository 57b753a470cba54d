import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { writeAtomic } from '../core/dataset/fsutil';
import { FILES } from '../core/dataset/types';
import { DatasetService, messageOf, UserError } from './service';

interface Before {
  readonly dir: string;
  /** Each changed file's bytes before the move and after it (Undo only restores a file nobody changed since). */
  readonly files: { file: string; before: Buffer; after: Buffer }[];
  readonly quarantineFile: string;
  readonly quarantineSize: number;
}

const readOrEmpty = (f: string) => fsp.readFile(f).catch(() => Buffer.alloc(0));

/** The last move, for Undo (one per window; a newer move replaces it). */
let last: Before | undefined;

/** Move corrupt lines of the active dataset to quarantine.jsonl and say what moved where, with Undo. */
export async function quarantine(svc: DatasetService, args?: { split?: 'train' | 'validation'; lines?: number[] }): Promise<number> {
  const ds = await svc.active();
  if (!ds) throw new UserError('No active dataset.');
  svc.assertNoUnsavedEdits(ds);
  const snap = await ds.store.snapshot();
  const quarantineFile = ds.store.file('quarantine');
  const record: Before = { dir: ds.store.dir, files: [], quarantineFile, quarantineSize: (await readOrEmpty(quarantineFile)).length };
  const where: string[] = [];
  let moved = 0;
  for (const split of ['train', 'validation'] as const) {
    if (args?.split && args.split !== split) continue;
    const lines = snap.issues
      .filter((i) => i.split === split && i.problem !== 'bom')
      .map((i) => i.line)
      .filter((l) => !args?.lines || args.lines.includes(l));
    if (!lines.length) continue;
    const file = ds.store.file(split);
    const before = await readOrEmpty(file);
    const n = await ds.store.quarantine(split, lines);
    if (!n) continue;
    moved += n;
    record.files.push({ file, before, after: await readOrEmpty(file) });
    where.push(`${split === 'train' ? FILES.train : FILES.validation} line${lines.length > 1 ? 's' : ''} ${lines.join(', ')}`);
  }
  svc.invalidate(ds.uri);
  if (!moved) {
    void vscode.window.showInformationMessage(`Socratune: “${ds.store.name}” has no corrupt lines; nothing was moved.`);
    return 0;
  }
  last = record;
  const message = `Moved ${moved} line${moved > 1 ? 's' : ''} of “${ds.store.name}” (${where.join('; ')}) to ${path.join(path.basename(ds.store.dir), path.basename(quarantineFile))}, byte for byte.`;
  svc.s.log.info(message);
  void vscode.window.showInformationMessage(`Socratune: ${message}`, 'Undo', 'Open Quarantine').then(async (choice) => {
    if (choice === 'Open Quarantine') await vscode.window.showTextDocument(vscode.Uri.file(quarantineFile));
    if (choice === 'Undo') {
      try {
        void vscode.window.showInformationMessage(`Socratune: ${await undoQuarantine(svc)}`);
      } catch (err) {
        void vscode.window.showErrorMessage(`Socratune: ${messageOf(err)}`);
      }
    }
  });
  return moved;
}

/** Undo the last move: the lines go back where they were. Refused (nothing written) when a file changed since. */
export async function undoQuarantine(svc: DatasetService): Promise<string> {
  const r = last;
  if (!r) throw new UserError('There is no quarantine move to undo.');
  for (const f of r.files)
    if (!(await readOrEmpty(f.file)).equals(f.after))
      throw new UserError(
        `${path.basename(f.file)} changed after the move, so Undo could restore old content over it. Nothing was changed; the lines are in ${path.basename(r.quarantineFile)}.`,
      );
  const q = await readOrEmpty(r.quarantineFile);
  for (const f of r.files) await writeAtomic(f.file, f.before);
  if (r.quarantineSize === 0) await fsp.rm(r.quarantineFile, { force: true });
  else await writeAtomic(r.quarantineFile, q.subarray(0, r.quarantineSize));
  last = undefined;
  svc.invalidate(vscode.Uri.file(r.dir));
  const message = `Undone: the lines are back in ${r.files.map((f) => path.basename(f.file)).join(' and ')}.`;
  svc.s.log.info(message);
  return message;
}
