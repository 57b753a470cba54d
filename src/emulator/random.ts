import { createHash } from 'node:crypto';

/**
 * Seeded, reproducible randomness. Every random value the emulator produces is a pure function of the server
 * seed and a label (ids, job seeds, loss noise), so runs with the same seed and the same requests agree.
 */

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Deterministic base62 string of `length` characters derived from the parts. */
export function hashId(length: number, ...parts: (string | number)[]): string {
  let out = '';
  let counter = 0;
  while (out.length < length) {
    const digest = createHash('sha256')
      .update(`${parts.join('\u0000')}\u0000${counter++}`)
      .digest();
    for (const byte of digest) {
      if (byte >= 248) continue; // keep the distribution uniform over 62 symbols
      out += BASE62[byte % 62];
      if (out.length === length) break;
    }
  }
  return out;
}

/** 32-bit unsigned hash of the parts. */
export function hash32(...parts: (string | number)[]): number {
  return createHash('sha256').update(parts.join('\u0000')).digest().readUInt32LE(0);
}

/** mulberry32: small, fast, good enough for simulated noise. Returns floats in [0, 1). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal sample from two uniforms (Box–Muller). */
export function gaussian(next: () => number): number {
  const u = Math.max(next(), 1e-12);
  const v = next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/**
 * Id factory: `<prefix><random>` where the random part is derived from the server seed, the kind and a per-kind
 * counter. The counters are persisted with the state so ids never repeat across restarts.
 */
export class IdFactory {
  constructor(
    private readonly seed: number,
    readonly counters: Record<string, number> = {},
  ) {}

  next(prefix: string, length: number): string {
    const n = (this.counters[prefix] = (this.counters[prefix] ?? 0) + 1);
    return `${prefix}${hashId(length, this.seed, prefix, n)}`;
  }

  /** A seeded integer for a new object (e.g. a job's `seed` when the client gave none). */
  nextInt(kind: string, max = 2 ** 31 - 1): number {
    const n = (this.counters[`#${kind}`] = (this.counters[`#${kind}`] ?? 0) + 1);
    return hash32(this.seed, kind, n) % max;
  }
}
