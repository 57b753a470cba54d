import { strict as assert } from 'node:assert';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import * as path from 'node:path';
import { exportFolder } from '../../../src/dataset/exportDataset';
import { workspaceRoot } from '../support/host';

/** Issue 15 #10: Export Dataset's save dialog opens in a folder that exists. */
describe('dataset: Export Dataset proposes a folder that exists', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(workspaceRoot().fsPath, 'export-folder-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('proposes the dataset folder while there is no exports folder, and exports/ once there is one', async () => {
    const first = await exportFolder(dir);
    assert.equal(first, dir);
    assert.ok(existsSync(first), 'the proposed folder exists');
    await mkdir(path.join(dir, 'exports'));
    assert.equal(await exportFolder(dir), path.join(dir, 'exports'));
  });
});
