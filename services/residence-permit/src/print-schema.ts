import 'reflect-metadata';
import { printSubgraphSchema } from '@apollo/subgraph';
import { residencePermitSubgraph } from './subgraph.js';

process.stdout.write(printSubgraphSchema(await residencePermitSubgraph.buildSchema()));
