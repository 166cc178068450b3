import {
  assertNoProblems,
  InvalidTransitionError,
  type Actor,
  type CommandPipeline,
  type CommandSpec,
} from '@onestop/common';
import { EVENT_TYPES } from '@onestop/common/contract';
import { allowedIn, OPEN_STATUSES, permitTarget, personOf } from '../residence-permit/permit-command.js';
import type { ResidencePermitEntity } from '../residence-permit/residence-permit.entity.js';
import type { PermitStore } from '../residence-permit/residence-permit.store.js';
import type { InterviewExemptionInput } from './dto/interview.input.js';
import { interviewOutcomeOf, refreshInterview } from './interview-outcome.js';
import { CLAIMABLE_GROUNDS, type ClaimableGround } from './interview-rule.js';
import { PROXY_KINDS, type ProxyKind } from './interview.type.js';

interface Declaration {
  caseId: string;
  /** The grounds claimed, in the rule's order. */
  grounds: readonly ClaimableGround[];
  proxy: { kind: ProxyKind; name: string; idCopyReference: string } | null;
}

interface Demand {
  caseId: string;
  reason: string;
}

const MAX_TEXT = 200;
const MAX_REASON = 1000;

/** Interview exemptions, proxies and demands. The rule itself is `interview-rule.ts`. */
export class InterviewService {
  private readonly declaration: CommandSpec<Declaration, ResidencePermitEntity, ResidencePermitEntity>;
  private readonly demanding: CommandSpec<Demand, ResidencePermitEntity, ResidencePermitEntity>;

  constructor(
    permits: PermitStore,
    private readonly commands: CommandPipeline,
  ) {
    this.declaration = {
      ...permitTarget(permits),
      name: 'declareInterviewExemption',
      action: 'residencePermit.recordProxy',
      rules: allowedIn(['AWAITING_DOCUMENTS'], 'declare interview exemptions or a proxy'),
      execute: async (cx, permit, { grounds, proxy }) => {
        const sameGrounds = grounds.join(',') === permit.claimedGrounds.join(',');
        const sameProxy = proxy
          ? permit.proxyKind === proxy.kind &&
            permit.proxyName === proxy.name &&
            permit.proxyIdCopyReference === proxy.idCopyReference
          : permit.proxyKind === null;
        if (sameGrounds && sameProxy) return permit;

        const before = interviewOutcomeOf(permit);
        permit.claimedGrounds = [...grounds];
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
        permit.groundsDeclaredBy = personOf(cx).id;
        permit.groundsDeclaredAt = cx.now;
        permit.updatedAt = cx.now;
        const requirement = refreshInterview(permit, before);
        await permits.save(cx.tx, permit);
        cx.emit(EVENT_TYPES.interviewExemptionDeclared, {
          caseId: permit.caseId,
          grounds: [...grounds],
          proxyKind: permit.proxyKind,
          declaredAt: cx.now.toISOString(),
        });
        if (requirement) cx.emit(EVENT_TYPES.interviewRequirementChanged, requirement);
        return permit;
      },
    };

    // Demanding again changes nothing.
    this.demanding = {
      ...permitTarget(permits),
      name: 'demandInterview',
      action: 'residencePermit.demandInterview',
      rules: allowedIn(OPEN_STATUSES, 'demand an interview'),
      execute: async (cx, permit, { reason }) => {
        if (permit.demandedAt) return permit;
        const before = interviewOutcomeOf(permit);
        const actor = personOf(cx);
        permit.demandedBy = actor.id;
        permit.demandedByName = actor.name;
        permit.demandReason = reason;
        permit.demandedAt = cx.now;
        permit.updatedAt = cx.now;
        const requirement = refreshInterview(permit, before);
        await permits.save(cx.tx, permit);
        cx.emit(EVENT_TYPES.interviewDemanded, { caseId: permit.caseId, reason, demandedAt: cx.now.toISOString() });
        if (requirement) cx.emit(EVENT_TYPES.interviewRequirementChanged, requirement);
        return permit;
      },
    };
  }

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

    return this.commands.run(actor, this.declaration, { caseId, grounds: ordered, proxy });
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
    return this.commands.run(actor, this.demanding, { caseId, reason: text });
  }
}
