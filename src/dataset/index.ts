import { Services } from '../platform/services';
import { register as registerAddSelection } from './addSelection';
import { register as registerDatasets } from './datasets';
import { register as registerOnDemand } from './onDemand';
import { register as registerProvenance } from './provenance';
import { bindDatasetsPort } from './port';
import { DatasetService } from './service';

/** Handles for integration tests. */
export interface DatasetApi {
  readonly service: DatasetService;
}

/** Dataset authoring: add selection, import journal, dataset picker, provenance, privacy scan, split, export. */
export function registerDataset(s: Services): DatasetApi {
  const service = new DatasetService(s);
  s.context.subscriptions.push(service, bindDatasetsPort(service));
  registerAddSelection(service);
  registerDatasets(service);
  registerProvenance(service);
  registerOnDemand(service);
  return { service };
}
