import 'reflect-metadata';
import { printSubgraphSchema } from '@apollo/subgraph';
import { counterSchedulingSubgraph } from './subgraph.js';

process.stdout.write(printSubgraphSchema(await counterSchedulingSubgraph.buildSchema()));
