import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Clock } from './clock';
import { IdFactory } from './random';
import type { EmulatorState, FineTunedModel, FireworksDataset, FireworksDeployment, JobRecord, StoredFile } from './state';

/**
 * Optional persistence: a JSON snapshot (`state.json`) plus one file per uploaded/result file (`files/<id>`),
 * written atomically shortly after each change and on close, so a demo survives restarts. In-progress Uploads
 * (the multi-part API) are not persisted.
 */
const VERSION = 1;

interface Snapshot {
  version: number;
  savedAt: number;
  clockOffset: number;
  seq: number;
  counters: Record<string, number>;
  files: { seq: number; meta: StoredFile['meta'] }[];
  jobs: JobRecord[];
  models: FineTunedModel[];
  /** Fireworks flavor only (absent in older snapshots). */
  fireworks?: { datasets: FireworksDataset[]; deployments: FireworksDeployment[] };
}

export function emptyState(seed: number): EmulatorState {
  return {
    files: new Map(),
    jobs: new Map(),
    models: new Map(),
    uploads: new Map(),
    fireworks: { datasets: new Map(), deployments: new Map() },
    ids: new IdFactory(seed),
    seq: 0,
  };
}

export function loadState(dir: string, seed: number, clock: Clock): EmulatorState {
  const state = emptyState(seed);
  const path = join(dir, 'state.json');
  if (!existsSync(path)) return state;
  let snap: Snapshot;
  try {
    snap = JSON.parse(readFileSync(path, 'utf8')) as Snapshot;
  } catch (err) {
    throw new Error(`Cannot read emulator state ${path}: ${(err as Error).message}. Move it away to start fresh.`);
  }
  if (snap.version !== VERSION) throw new Error(`Emulator state ${path} has version ${snap.version}; this emulator reads version ${VERSION}.`);
  state.ids = new IdFactory(seed, { ...snap.counters });
  state.seq = snap.seq;
  clock.restoreOffset(snap.clockOffset);
  for (const f of snap.files) {
    const contentPath = join(dir, 'files', f.meta.id);
    if (!existsSync(contentPath)) continue;
    state.files.set(f.meta.id, { seq: f.seq, meta: f.meta, content: readFileSync(contentPath) });
  }
  for (const j of snap.jobs) state.jobs.set(j.job.id, j);
  for (const m of snap.models) state.models.set(m.model.id, m);
  for (const d of snap.fireworks?.datasets ?? []) state.fireworks.datasets.set(d.id, d);
  for (const d of snap.fireworks?.deployments ?? []) state.fireworks.deployments.set(d.id, d);
  return state;
}

export class Persister {
  private timer: NodeJS.Timeout | null = null;
  private readonly written = new Set<string>();

  constructor(
    private readonly dir: string,
    private readonly state: EmulatorState,
    private readonly clock: Clock,
  ) {
    mkdirSync(join(dir, 'files'), { recursive: true });
    for (const id of readdirSync(join(dir, 'files'))) this.written.add(id);
  }

  /** Schedules a save (coalescing bursts of changes). */
  schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      try {
        this.save();
      } catch (err) {
        // A full disk or a removed directory must not take the server down; the next change retries.
        process.stderr.write(`emulator: could not save state to ${this.dir}: ${(err as Error).message}\n`);
      }
    }, 100);
    this.timer.unref();
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.save();
  }

  private save(): void {
    const filesDir = join(this.dir, 'files');
    for (const [id, f] of this.state.files) {
      if (this.written.has(id)) continue;
      atomicWrite(join(filesDir, id), f.content);
      this.written.add(id);
    }
    for (const id of [...this.written]) {
      if (this.state.files.has(id)) continue;
      try {
        unlinkSync(join(filesDir, id));
      } catch {
        // already gone
      }
      this.written.delete(id);
    }
    const snap: Snapshot = {
      version: VERSION,
      savedAt: Date.now(),
      clockOffset: this.clock.offset,
      seq: this.state.seq,
      counters: this.state.ids.counters,
      files: [...this.state.files.values()].map((f) => ({ seq: f.seq, meta: f.meta })),
      jobs: [...this.state.jobs.values()],
      models: [...this.state.models.values()],
      fireworks: { datasets: [...this.state.fireworks.datasets.values()], deployments: [...this.state.fireworks.deployments.values()] },
    };
    atomicWrite(join(this.dir, 'state.json'), JSON.stringify(snap));
  }
}

function atomicWrite(path: string, data: string | Buffer): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}
