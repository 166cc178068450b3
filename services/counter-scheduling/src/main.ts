import 'reflect-metadata';
import { runMain, startSubgraph } from '@onestop/common';
import { counterSchedulingSubgraph } from './subgraph.js';

runMain(() => startSubgraph(counterSchedulingSubgraph));
