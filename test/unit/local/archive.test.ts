import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ArchiveError, adapterFolder, readTar, readWeightsArchive } from '../../../src/core/local/archive';

/** A one-file ustar archive with an arbitrary name (GNU tar refuses to write unsafe names). */
function oneFileTar(name: string, data: string): Buffer {
  const h = Buffer.alloc(512);
  h.write(name, 0);
  h.write('0000644\0', 100);
  h.write(`${Buffer.byteLength(data).toString(8).padStart(11, '0')}\0`, 124);
  h.write('        ', 148);
  h.write('0', 156);
  h.write('ustar\0', 257);
  h.write(
    `${h
      .reduce((a, b) => a + b, 0)
      .toString(8)
      .padStart(6, '0')}\0 `,
    148,
  );
  const body = Buffer.alloc(Math.ceil(Buffer.byteLength(data) / 512) * 512);
  body.write(data);
  return Buffer.concat([h, body, Buffer.alloc(1024)]);
}

describe('local: weights archive reader (.tar.zst → files)', () => {
  it('reads a .tar.zst written by the system tar + zstd (compressed blocks, nested folder, long pax name)', function () {
    const dir = mkdtempSync(join(tmpdir(), 'socratune-archive-'));
    try {
      const long = `${'x'.repeat(120)}.txt`;
      mkdirSync(join(dir, 'src', 'model', 'adapter'), { recursive: true });
      writeFileSync(join(dir, 'src', 'model', 'adapter', 'adapter_config.json'), '{"r": 8}\n');
      writeFileSync(join(dir, 'src', 'model', 'adapter', 'adapter_model.safetensors'), 'w'.repeat(70_000));
      writeFileSync(join(dir, 'src', 'model', long), 'long name');
      const out = join(dir, 'w.tar.zst');
      execFileSync('tar', ['--zstd', '--format=posix', '-cf', out, '-C', join(dir, 'src'), 'model']);
      const files = readWeightsArchive(readFileSync(out));
      assert.deepEqual(files.map((f) => f.path).sort(), ['model/adapter/adapter_config.json', 'model/adapter/adapter_model.safetensors', `model/${long}`]);
      assert.equal(files.find((f) => f.path.endsWith('.safetensors'))?.data.length, 70_000);
      assert.equal(adapterFolder(files), 'model/adapter');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses paths outside the folder, corrupt zstd and empty archives; no adapter_config.json → no adapter folder', () => {
    assert.throws(() => readTar(oneFileTar('../evil.sh', 'x')), ArchiveError);
    assert.throws(() => readTar(oneFileTar('/etc/passwd', 'x')), ArchiveError);
    assert.throws(() => readWeightsArchive(Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 1, 2, 3])), ArchiveError);
    assert.throws(() => readWeightsArchive(Buffer.alloc(1024)), /holds no files/);
    const plain = readWeightsArchive(oneFileTar('./weights.bin', 'abc'));
    assert.deepEqual(
      plain.map((f) => [f.path, f.data.toString()]),
      [['weights.bin', 'abc']],
    );
    assert.equal(adapterFolder(plain), undefined);
  });
});
