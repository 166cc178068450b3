import 'reflect-metadata';
import { runMigrations } from '@onestop/common';
import { counterSchedulingSubgraph } from './subgraph.js';

/** One-shot: applies pending migrations and exits (the containers' migration job). */
runMigrations(counterSchedulingSubgraph);
