import { assertNoProblems, InvalidTransitionError, type Actor } from '@onestop/common';
import {
  EVENT_TYPES,
  type InterviewDemandedPayload,
  type InterviewExemptionDeclaredPayload,
} from '@onestop/common/contract';
import { OPEN_STATUSES, type EventDraft, type PermitCommands } from '../residence-permit/permit-command.js';
import type { ResidencePermitEntity } from '../residence-permit/residence-permit.entity.js';
import type { InterviewExemptionInput } from './dto/interview.input.js';
import { interviewOutcomeOf, refreshInterview } from './interview-outcome.js';
import { CLAIMABLE_GROUNDS } from './interview-rule.js';
import { PROXY_KINDS } from './interview.type.js';

const MAX_TEXT = 200;
const MAX_REASON = 1000;

/** Interview exemptions, proxies and demands. The rule itself is `interview-rule.ts`. */
export class InterviewService {
  constructor(private readonly commands: PermitCommands) {}

  /**
   * The agency declares the grounds it claims and the proxy, replacing what it declared
   * before. A proxy for an applicant with no exemption is refused (INVALID_TRANSITION) and
   * nothing is written. Only before acceptance.
   */
  async declare(actor: Actor, caseId: string, input: InterviewExemptionInput): Promise<ResidencePermitEntity> {
    const problems: string[] = [];
    const grounds = input.grounds ?? [];
    grounds.forEach((g, i) => {
      if (!(CLAIMABLE_GROUNDS as readonly string[]).includes(g))
        problems.push(`grounds[${i}] must be one of ${CLAIMABLE_GROUNDS.join(', ')}`);
    });
    if (new Set(grounds).size !== grounds.length) problems.push('grounds lists a ground more than once');
    const proxy = input.proxy
      ? {
          kind: input.proxy.kind,
          name: (input.proxy.name ?? '').trim(),
          idCopyReference: (input.proxy.idCopyReference ?? '').trim(),
        }
      : null;
    if (proxy) {
      if (!(PROXY_KINDS as readonly string[]).includes(proxy.kind))
        problems.push(`proxy.kind must be one of ${PROXY_KINDS.join(', ')}`);
      if (!proxy.name || proxy.name.length > MAX_TEXT) problems.push(`proxy.name must be 1 to ${MAX_TEXT} characters`);
      if (!proxy.idCopyReference || proxy.idCopyReference.length > MAX_TEXT) {
        problems.push(`proxy.idCopyReference must be 1 to ${MAX_TEXT} characters: the proxy's ID copy is required`);
      }
    }
    assertNoProblems('The interview exemption cannot be declared', problems);
    const ordered = CLAIMABLE_GROUNDS.filter((g) => grounds.includes(g));

    return this.commands.run(
      actor,
      caseId,
      {
        action: 'residencePermit.recordProxy',
        allowedIn: ['AWAITING_DOCUMENTS'],
        what: 'declare interview exemptions or a proxy',
      },
      async (permit, tx, now) => {
        const sameGrounds = ordered.join(',') === permit.claimedGrounds.join(',');
        const sameProxy = proxy
          ? permit.proxyKind === proxy.kind &&
            permit.proxyName === proxy.name &&
            permit.proxyIdCopyReference === proxy.idCopyReference
          : permit.proxyKind === null;
        if (sameGrounds && sameProxy) return { result: permit, events: [] };

        const before = interviewOutcomeOf(permit);
        permit.claimedGrounds = [...ordered];
        const after = interviewOutcomeOf(permit);
        if (proxy && !after.proxyAllowed) {
          throw new InvalidTransitionError(
            `A proxy may represent only an applicant exempt from the face-to-face interview (aged 60 or over, mobility issues, renewal, high-level talent, urgently needed specialist); no exemption applies to case ${permit.caseReference}. Declare a ground, or the applicant attends in person.`,
            { reason: 'PROXY_WITHOUT_EXEMPTION' },
          );
        }
        permit.proxyKind = proxy?.kind ?? null;
        permit.proxyName = proxy?.name ?? null;
        permit.proxyIdCopyReference = proxy?.idCopyReference ?? null;
        permit.groundsDeclaredBy = actor.id;
        permit.groundsDeclaredAt = now;
        permit.updatedAt = now;
        const requirement = refreshInterview(permit, before);
        await tx.save(permit);
        const declared: InterviewExemptionDeclaredPayload = {
          caseId: permit.caseId,
          grounds: [...ordered],
          proxyKind: permit.proxyKind,
          declaredAt: now.toISOString(),
        };
        const events: EventDraft[] = [{ type: EVENT_TYPES.interviewExemptionDeclared, payload: declared }];
        if (requirement) events.push(requirement);
        return { result: permit, events };
      },
    );
  }

  /**
   * An EE_OFFICER demands a face-to-face interview, also of an exempt applicant (seed §6).
   * Demanding again changes nothing.
   */
  async demand(actor: Actor, caseId: string, reason: string): Promise<ResidencePermitEntity> {
    const text = (reason ?? '').trim();
    assertNoProblems(
      'The interview cannot be demanded',
      !text || text.length > MAX_REASON ? [`reason must be 1 to ${MAX_REASON} characters`] : [],
    );
    return this.commands.run(
      actor,
      caseId,
      { action: 'residencePermit.demandInterview', allowedIn: OPEN_STATUSES, what: 'demand an interview' },
      async (permit, tx, now) => {
        if (permit.demandedAt) return { result: permit, events: [] };
        const before = interviewOutcomeOf(permit);
        permit.demandedBy = actor.id;
        permit.demandedByName = actor.name;
        permit.demandReason = text;
        permit.demandedAt = now;
        permit.updatedAt = now;
        const requirement = refreshInterview(permit, before);
        await tx.save(permit);
        const demanded: InterviewDemandedPayload = {
          caseId: permit.caseId,
          reason: text,
          demandedAt: now.toISOString(),
        };
        const events: EventDraft[] = [{ type: EVENT_TYPES.interviewDemanded, payload: demanded }];
        if (requirement) events.push(requirement);
        return { result: permit, events };
      },
    );
  }
}
