import { Services } from '../platform/services';
import { register as registerAddSelection } from './addSelection';
import { register as registerDatasets } from './datasets';
import { register as registerOnDemand } from './onDemand';
import { register as registerProvenance } from './provenance';
import { bindDatasetsPort } from './port';
import { undoQuarantine } from './quarantine';
import { DatasetService } from './service';

/** Handles for integration tests. */
export interface DatasetApi {
  readonly service: DatasetService;
  /** What the Undo button of the quarantine message runs. */
  undoQuarantine(): Promise<string>;
}

/** Dataset authoring: add selection, import journal, dataset picker, provenance, privacy scan, split, export. */
export function registerDataset(s: Services): DatasetApi {
  const service = new DatasetService(s);
  s.context.subscriptions.push(service, bindDatasetsPort(service));
  registerAddSelection(service);
  registerDatasets(service);
  registerProvenance(service);
  registerOnDemand(service);
  return { service, undoQuarantine: () => undoQuarantine(service) };
}
