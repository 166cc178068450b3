import { bookingContention, bookingContentionReplicas } from './booking-contention.js';
import { dataScale } from './data-scale.js';
import { federatedCase } from './federated-case.js';
import { gatewayFederated } from './gateway-federated.js';
import { gatewayOverhead } from './gateway-overhead.js';
import type { Scenario } from './scenario.js';
import { slaSweep } from './sla-sweep.js';
import { subscriptionFanout } from './subscription-fanout.js';
import { webhookDelivery } from './webhook-delivery.js';

/** Every scenario, in the order `pnpm bench` runs them (the bulk data setups last). */
export const SCENARIOS: Scenario[] = [
  gatewayOverhead,
  gatewayFederated,
  federatedCase,
  subscriptionFanout,
  bookingContention,
  bookingContentionReplicas,
  webhookDelivery,
  slaSweep,
  dataScale,
];
