/**
 * What can this machine train with? Pure: reads the text of probes the caller ran (platform/arch, `python3 --version`,
 * `python3 -m mlx_lm --version`, `nvidia-smi`, `pip list` / `pip list --format=json` / `importlib.metadata` lines) and
 * says, for each trainer, whether it is usable and the one command that installs each missing piece. It never installs.
 */
import type { LocalTrainer } from './recipe';

export interface ProbeOutputs {
  /** Node's process.platform: darwin, linux, win32… */
  platform: string;
  /** `uname -m` or process.arch: arm64, aarch64, x86_64, x64… */
  arch: string;
  /** Output of `python3 --version`; null when the command is missing. */
  python: string | null;
  /** Output of `python3 -m mlx_lm --version`; null when it failed. */
  mlxLm?: string | null;
  /** Output of `nvidia-smi` (table) or `nvidia-smi --query-gpu=name,memory.total --format=csv,noheader`; null when it failed. */
  nvidiaSmi: string | null;
  /** Output of `python3 -m pip list` (columns or --format=json) or `name==version` lines; null when it failed. */
  pipList: string | null;
}

export interface Gpu {
  name: string;
  memoryMiB?: number;
}

export interface MissingPiece {
  what: string;
  /** The one command that installs it (shown to the user; Socratune never runs it). */
  install: string;
}

export interface TrainerAvailability {
  trainer: LocalTrainer;
  usable: boolean;
  /** Why not (hardware) or what is installed. */
  reason: string;
  missing: MissingPiece[];
  version?: string;
}

export interface Detection {
  appleSilicon: boolean;
  gpus: Gpu[];
  python?: string;
  trainers: TrainerAvailability[];
  /** The trainer to propose first, or undefined when this machine cannot train (offer Export Recipe). */
  recommended?: LocalTrainer;
  summary: string;
}

const PIP = 'python3 -m pip install';

/** Installed Python packages by normalized name (PEP 503: lowercase, runs of -_. → -) → version. */
export function parsePackages(text: string | null): Map<string, string> {
  const out = new Map<string, string>();
  if (!text) return out;
  const norm = (n: string) => n.toLowerCase().replace(/[-_.]+/g, '-');
  const trimmed = text.trim();
  if (trimmed.startsWith('[')) {
    try {
      for (const p of JSON.parse(trimmed) as Array<{ name?: unknown; version?: unknown }>)
        if (typeof p.name === 'string') out.set(norm(p.name), typeof p.version === 'string' ? p.version : '');
      return out;
    } catch {
      // not JSON after all: read it as lines
    }
  }
  for (const line of trimmed.split(/\r?\n/)) {
    const eq = /^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:==|\s)\s*([0-9][^\s]*)/.exec(line.trim());
    if (eq && !/^-+$/.test(eq[1]!)) out.set(norm(eq[1]!), eq[2]!);
  }
  return out;
}

/** GPUs named by nvidia-smi (CSV query output or the default table). */
export function parseNvidiaSmi(text: string | null): Gpu[] {
  if (!text || /NVIDIA-SMI has failed|command not found|No devices were found|not recognized/i.test(text)) return [];
  const gpus: Gpu[] = [];
  const csv = [...text.matchAll(/^\s*([^,\n|]*(?:NVIDIA|Tesla|Quadro|GeForce|RTX)[^,\n|]*),\s*(\d+)\s*MiB\s*$/gim)];
  if (csv.length > 0) return csv.map((m) => ({ name: m[1]!.trim(), memoryMiB: Number(m[2]) }));
  const names = [...text.matchAll(/^\|\s+\d+\s+((?:NVIDIA|Tesla|Quadro)[^|]*?)\s+(?:On|Off)\s*\|/gm)].map((m) => m[1]!.trim());
  const mems = [...text.matchAll(/(\d+)MiB\s*\/\s*(\d+)MiB/g)].map((m) => Number(m[2]));
  names.forEach((name, i) => gpus.push({ name, ...(mems[i] !== undefined ? { memoryMiB: mems[i] } : {}) }));
  return gpus;
}

function pythonInstall(platform: string): MissingPiece {
  return { what: 'Python 3', install: platform === 'darwin' ? 'brew install python' : 'sudo apt-get install -y python3 python3-pip' };
}

function pkgState(pkgs: Map<string, string>, needed: Array<[string, string]>): { missing: MissingPiece[]; found: string[] } {
  const missing: MissingPiece[] = [];
  const found: string[] = [];
  for (const [name, spec] of needed) {
    const v = pkgs.get(name);
    if (v === undefined) missing.push({ what: `Python package ${name}`, install: `${PIP} ${spec}` });
    else found.push(`${name} ${v}`.trim());
  }
  return { missing, found };
}

function availability(
  trainer: LocalTrainer,
  hardwareOk: boolean,
  hardwareWhy: string,
  python: MissingPiece | undefined,
  pkgs: ReturnType<typeof pkgState>,
): TrainerAvailability {
  if (!hardwareOk) return { trainer, usable: false, reason: hardwareWhy, missing: [] };
  const missing = [...(python ? [python] : []), ...pkgs.missing];
  const reason = missing.length === 0 ? `installed: ${pkgs.found.join(', ')}` : `missing: ${missing.map((m) => m.what).join(', ')}`;
  const version = pkgs.found[0]?.split(' ')[1];
  return { trainer, usable: missing.length === 0, reason, missing, ...(version ? { version } : {}) };
}

export function detectTrainers(p: ProbeOutputs): Detection {
  const appleSilicon = p.platform === 'darwin' && /^(arm64|aarch64)$/.test(p.arch.trim());
  const gpus = parseNvidiaSmi(p.nvidiaSmi);
  const nvidia = gpus.length > 0 && p.platform !== 'darwin';
  const pythonVersion = p.python ? /Python\s+(\d+\.\d+(?:\.\d+)?)/.exec(p.python)?.[1] : undefined;
  const python = pythonVersion ? undefined : pythonInstall(p.platform);
  const pkgs = parsePackages(p.pipList);
  const mlxVersion = p.mlxLm ? /(\d+\.\d+(?:\.\d+)?)/.exec(p.mlxLm)?.[1] : undefined;
  if (mlxVersion && !pkgs.has('mlx-lm')) pkgs.set('mlx-lm', mlxVersion);
  const noNvidia = p.platform === 'darwin' ? 'needs an NVIDIA GPU (Linux or WSL); on a Mac use MLX-LM' : 'no NVIDIA GPU found (nvidia-smi)';
  const trainers: TrainerAvailability[] = [
    availability('mlx', appleSilicon, 'needs a Mac with Apple silicon (M1 or later)', python, pkgState(pkgs, [['mlx-lm', 'mlx-lm']])),
    availability('unsloth', nvidia, noNvidia, python, pkgState(pkgs, [['unsloth', 'unsloth']])),
    availability('axolotl', nvidia, noNvidia, python, pkgState(pkgs, [['axolotl', 'axolotl']])),
    availability(
      'trl',
      nvidia,
      noNvidia,
      python,
      pkgState(pkgs, [
        ['trl', '"trl>=0.20"'],
        ['peft', 'peft'],
        ['datasets', 'datasets'],
        ['torch', 'torch'],
      ]),
    ),
  ];
  const possible = trainers.filter((t) => t.missing.length > 0 || t.usable);
  const recommended = (possible.find((t) => t.usable) ?? possible[0])?.trainer;
  const summary = appleSilicon
    ? 'Apple silicon: MLX-LM trains here.'
    : nvidia
      ? `NVIDIA GPU${gpus.length > 1 ? 's' : ''}: ${gpus.map((g) => g.name + (g.memoryMiB ? ` (${Math.round(g.memoryMiB / 1024)} GB)` : '')).join(', ')}.`
      : 'Neither Apple silicon nor an NVIDIA GPU: this machine cannot train a LoRA in reasonable time. Export Recipe runs it elsewhere (e.g. a rented GPU).';
  return { appleSilicon, gpus, ...(pythonVersion ? { python: pythonVersion } : {}), trainers, ...(recommended ? { recommended } : {}), summary };
}
