/** Trainer detection from probe outputs: which trainers are usable, and the one install command per missing piece. */
import * as assert from 'node:assert/strict';
import { detectTrainers, parseNvidiaSmi, parsePackages, type ProbeOutputs } from '../../../src/core/local/detect';

const PIP_COLUMNS = `Package            Version
------------------ -----------
datasets           3.1.0
mlx                0.26.1
mlx-lm             0.26.0
numpy              2.1.3
PyYAML             6.0.2
`;
// The default nvidia-smi table (layout as printed by driver 5xx; values illustrative).
const NVIDIA_TABLE = `+-----------------------------------------------------------------------------------------+
| NVIDIA-SMI 550.54.15              Driver Version: 550.54.15      CUDA Version: 12.4     |
|-----------------------------------------+------------------------+----------------------+
| GPU  Name                 Persistence-M | Bus-Id          Disp.A | Volatile Uncorr. ECC |
| Fan  Temp   Perf          Pwr:Usage/Cap |           Memory-Usage | GPU-Util  Compute M. |
|=========================================+========================+======================|
|   0  NVIDIA GeForce RTX 3090        Off |   00000000:01:00.0 Off |                  N/A |
| 30%   35C    P8             21W /  350W |       1MiB /  24576MiB |      0%      Default |
+-----------------------------------------+------------------------+----------------------+
`;
const base: ProbeOutputs = { platform: 'linux', arch: 'x86_64', python: 'Python 3.11.7', mlxLm: null, nvidiaSmi: null, pipList: '' };
const byTrainer = (d: ReturnType<typeof detectTrainers>) => Object.fromEntries(d.trainers.map((t) => [t.trainer, t]));

describe('local trainer detection', () => {
  it('parses pip list columns, --format=json and name==version lines with normalized names', () => {
    assert.deepEqual(
      [...parsePackages(PIP_COLUMNS)],
      [
        ['datasets', '3.1.0'],
        ['mlx', '0.26.1'],
        ['mlx-lm', '0.26.0'],
        ['numpy', '2.1.3'],
        ['pyyaml', '6.0.2'],
      ],
    );
    assert.deepEqual(
      [...parsePackages('[{"name": "Unsloth_Zoo", "version": "2025.6.4"}, {"name": "trl", "version": "0.21.0"}]')],
      [
        ['unsloth-zoo', '2025.6.4'],
        ['trl', '0.21.0'],
      ],
    );
    assert.deepEqual(
      [...parsePackages('peft==0.12.0\ntorch==2.5.0+cu124\n')],
      [
        ['peft', '0.12.0'],
        ['torch', '2.5.0+cu124'],
      ],
    );
    assert.equal(parsePackages(null).size, 0);
  });

  it('parses nvidia-smi tables and CSV queries; a failing nvidia-smi means no GPU', () => {
    assert.deepEqual(parseNvidiaSmi(NVIDIA_TABLE), [{ name: 'NVIDIA GeForce RTX 3090', memoryMiB: 24576 }]);
    assert.deepEqual(parseNvidiaSmi('NVIDIA A100-SXM4-80GB, 81920 MiB\nNVIDIA A100-SXM4-80GB, 81920 MiB\n'), [
      { name: 'NVIDIA A100-SXM4-80GB', memoryMiB: 81920 },
      { name: 'NVIDIA A100-SXM4-80GB', memoryMiB: 81920 },
    ]);
    assert.deepEqual(parseNvidiaSmi("NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver."), []);
    assert.deepEqual(parseNvidiaSmi(null), []);
  });

  it('Apple silicon with mlx-lm installed: MLX-LM usable and recommended; NVIDIA trainers not, with the reason', () => {
    const d = detectTrainers({ ...base, platform: 'darwin', arch: 'arm64', pipList: PIP_COLUMNS });
    const t = byTrainer(d);
    assert.equal(d.appleSilicon, true);
    assert.equal(d.recommended, 'mlx');
    assert.deepEqual([t.mlx!.usable, t.mlx!.version, t.mlx!.missing], [true, '0.26.0', []]);
    for (const n of ['unsloth', 'axolotl', 'trl']) {
      assert.equal(t[n]!.usable, false);
      assert.deepEqual(t[n]!.missing, []);
      assert.match(t[n]!.reason, /NVIDIA GPU.*on a Mac use MLX-LM/);
    }
  });

  it('Apple silicon without mlx-lm: the one command that installs it, never run', () => {
    const t = byTrainer(detectTrainers({ ...base, platform: 'darwin', arch: 'arm64', pipList: 'numpy 2.1.3' }));
    assert.equal(t.mlx!.usable, false);
    assert.deepEqual(t.mlx!.missing, [{ what: 'Python package mlx-lm', install: 'python3 -m pip install mlx-lm' }]);
  });

  it('`python -m mlx_lm --version` counts even when pip list did not list it', () => {
    const t = byTrainer(detectTrainers({ ...base, platform: 'darwin', arch: 'arm64', pipList: null, mlxLm: '0.28.2\n' }));
    assert.equal(t.mlx!.usable, true);
    assert.equal(t.mlx!.version, '0.28.2');
  });

  it('an Intel Mac can train with nothing here', () => {
    const d = detectTrainers({ ...base, platform: 'darwin', arch: 'x86_64', pipList: PIP_COLUMNS });
    assert.equal(d.recommended, undefined);
    assert.match(d.summary, /Export Recipe/);
    assert.match(byTrainer(d).mlx!.reason, /Apple silicon/);
  });

  it('Linux + NVIDIA with TRL partly installed: per missing package its command; Unsloth proposed when nothing is complete', () => {
    const d = detectTrainers({ ...base, nvidiaSmi: NVIDIA_TABLE, pipList: 'trl==0.21.0\ntorch==2.5.0\n' });
    const t = byTrainer(d);
    assert.match(d.summary, /NVIDIA GPU: NVIDIA GeForce RTX 3090 \(24 GB\)/);
    assert.deepEqual(t.trl!.missing, [
      { what: 'Python package peft', install: 'python3 -m pip install peft' },
      { what: 'Python package datasets', install: 'python3 -m pip install datasets' },
    ]);
    assert.deepEqual(t.unsloth!.missing, [{ what: 'Python package unsloth', install: 'python3 -m pip install unsloth' }]);
    assert.equal(t.mlx!.usable, false);
    assert.equal(d.recommended, 'unsloth');
  });

  it('Linux + NVIDIA with Axolotl installed: Axolotl usable and recommended over uninstalled ones', () => {
    const d = detectTrainers({ ...base, nvidiaSmi: 'NVIDIA L4, 23034 MiB', pipList: '[{"name":"axolotl","version":"0.12.2"}]' });
    assert.equal(d.recommended, 'axolotl');
    assert.equal(byTrainer(d).axolotl!.reason, 'installed: axolotl 0.12.2');
  });

  it('no Python: Python is the first missing piece, with the platform’s install command', () => {
    const t = byTrainer(detectTrainers({ ...base, python: null, nvidiaSmi: NVIDIA_TABLE, pipList: null }));
    assert.deepEqual(t.axolotl!.missing[0], { what: 'Python 3', install: 'sudo apt-get install -y python3 python3-pip' });
    const mac = byTrainer(detectTrainers({ ...base, platform: 'darwin', arch: 'arm64', python: null, pipList: null }));
    assert.deepEqual(mac.mlx!.missing[0], { what: 'Python 3', install: 'brew install python' });
  });

  it('Linux without a GPU: nothing usable, Export Recipe suggested', () => {
    const d = detectTrainers({ ...base, nvidiaSmi: null, pipList: 'trl==0.21.0\npeft==0.12.0\ndatasets==3.1.0\ntorch==2.5.0' });
    assert.equal(d.recommended, undefined);
    assert.ok(d.trainers.every((t) => !t.usable && t.missing.length === 0));
    assert.match(d.summary, /Neither Apple silicon nor an NVIDIA GPU/);
  });
});
