import 'reflect-metadata';
import { runMain, startSubgraph } from '@onestop/common';
import { residencePermitSubgraph } from './subgraph.js';

runMain(() => startSubgraph(residencePermitSubgraph));
