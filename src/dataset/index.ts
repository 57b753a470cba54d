import { Services } from '../platform/services';
import { register as registerAddSelection } from './addSelection';
import { register as registerDatasets } from './datasets';
import { register as registerExport } from './exportDataset';
import { register as registerImport } from './importJournal';
import { register as registerProvenance } from './provenance';
import { register as registerScan } from './scan';
import { DatasetService } from './service';
import { register as registerSplit } from './split';

/** Handles for integration tests. */
export interface DatasetApi {
  readonly service: DatasetService;
}

/** Dataset authoring: add selection, import journal, dataset picker, provenance, privacy scan, split, export. */
export function registerDataset(s: Services): DatasetApi {
  const service = new DatasetService(s);
  s.context.subscriptions.push(service);
  registerAddSelection(service);
  registerDatasets(service);
  registerImport(service);
  registerProvenance(service);
  registerScan(service);
  registerSplit(service);
  registerExport(service);
  return { service };
}
