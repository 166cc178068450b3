import 'reflect-metadata';
import { runMain, startSubgraph } from '@onestop/common';
import { workPermitSubgraph } from './subgraph.js';

runMain(() => startSubgraph(workPermitSubgraph));
