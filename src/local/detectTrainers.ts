/**
 * Detect Local Trainers: run the read-only probes (`python3 --version`, `python3 -m mlx_lm --version` on Apple
 * silicon, `nvidia-smi`, `python3 -m pip list --format=json`), then show which trainer this machine can use and, for
 * each missing piece, the one command that installs it (picking it copies it; Socratune never installs anything).
 * When nothing can train here, Export Recipe is offered to run the recipe elsewhere.
 */
import { execFile } from 'node:child_process';
import * as vscode from 'vscode';
import { detectTrainers, type Detection, type ProbeOutputs } from '../core/local/detect';

const LABELS = { mlx: 'MLX-LM', unsloth: 'Unsloth', axolotl: 'Axolotl', trl: 'TRL' } as const;

/** stdout of a probe (stderr when it prints its version there), or null when it failed or is missing. */
function probe(cmd: string, args: string[], timeoutMs = 20_000): Promise<string | null> {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: timeoutMs, windowsHide: true, maxBuffer: 4 * 1024 * 1024 }, (err, stdout, stderr) =>
      resolve(err ? null : `${stdout}`.trim() || `${stderr}`.trim() || null),
    );
  });
}

export async function runProbes(): Promise<ProbeOutputs> {
  const python = process.platform === 'win32' ? 'python' : 'python3';
  const appleSilicon = process.platform === 'darwin' && process.arch === 'arm64';
  const [pythonVersion, mlxLm, nvidiaSmi, pipList] = await Promise.all([
    probe(python, ['--version']),
    appleSilicon ? probe(python, ['-m', 'mlx_lm', '--version']) : Promise.resolve(null),
    process.platform === 'darwin' ? Promise.resolve(null) : probe('nvidia-smi', ['--query-gpu=name,memory.total', '--format=csv,noheader']),
    probe(python, ['-m', 'pip', 'list', '--format=json', '--disable-pip-version-check']),
  ]);
  return { platform: process.platform, arch: process.arch, python: pythonVersion, mlxLm, nvidiaSmi, pipList };
}

type Item = vscode.QuickPickItem & { copy?: string; exportRecipe?: true };

/** The quick pick's rows: each trainer, its missing pieces with their install command, and Export Recipe. */
export function detectionItems(d: Detection): Item[] {
  const items: Item[] = [];
  for (const t of d.trainers) {
    items.push({
      label: `$(${t.usable ? 'pass-filled' : t.missing.length ? 'warning' : 'circle-slash'}) ${LABELS[t.trainer]}${d.recommended === t.trainer ? ' (recommended)' : ''}`,
      description: t.usable
        ? `usable${t.version ? ` · ${t.version}` : ''}`
        : t.missing.length
          ? `missing ${t.missing.map((m) => m.what).join(', ')}`
          : t.reason,
      detail: t.usable || t.missing.length === 0 ? t.reason : undefined,
    });
    for (const m of t.missing) items.push({ label: `    $(terminal) ${m.install}`, description: `installs ${m.what} — pick to copy`, copy: m.install });
  }
  if (!d.trainers.some((t) => t.usable || t.missing.length))
    items.push({ label: '$(export) Export Recipe…', description: 'write the recipe and run it on another machine (e.g. a rented GPU)', exportRecipe: true });
  return items;
}

/** Show what this machine can train with; returns the detection (tests read it). */
export async function showDetection(exportRecipe: () => Promise<unknown>, probes?: ProbeOutputs): Promise<Detection> {
  const d = detectTrainers(
    probes ?? (await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Socratune: detecting local trainers' }, runProbes)),
  );
  void vscode.window.showQuickPick(detectionItems(d), { title: `Local trainers — ${d.summary}`, matchOnDescription: true }).then(async (pick) => {
    if (pick?.copy) {
      await vscode.env.clipboard.writeText(pick.copy);
      void vscode.window.showInformationMessage(`Copied: ${pick.copy} — run it in a terminal yourself; Socratune never installs packages.`);
    } else if (pick?.exportRecipe) await exportRecipe();
  });
  return d;
}
