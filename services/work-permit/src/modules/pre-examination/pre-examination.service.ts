import {
  assertCan,
  BadUserInputError,
  type Actor,
  type CommandPipeline,
  type CommandSpec,
  isUuid,
} from '@onestop/common';
import { EVENT_TYPES, type CasePreExamPassedPayload, type CaseReturnedPayload } from '@onestop/common/contract';
import { changeCase, ON_CASE } from '../case/case-changes.js';
import { assertMove } from '../case/case-status.rules.js';
import type { CaseEntity, ReturnItem } from '../case/case.entity.js';
import type { AttachmentService } from '../attachments/attachment.service.js';

export const MAX_RETURN_ITEMS = 100;

/** A return item as sent: an attachment item may leave `field` out (the attachment's name is used). */
export type ReturnItemInput = { field?: string | null; problem: string; attachmentId?: string | null };

/**
 * Validates a one-time return notification: at least one item, each naming a field (or an
 * attachment) and what to correct.
 */
export function parseReturnItems(items: readonly ReturnItemInput[] | null | undefined): {
  items: ReturnItem[];
  problems: string[];
} {
  const problems: string[] = [];
  const list: ReturnItem[] = (items ?? []).map((i) => ({
    field: (i.field ?? '').trim(),
    problem: (i.problem ?? '').trim(),
    ...(i.attachmentId ? { attachmentId: i.attachmentId.trim() } : {}),
  }));
  if (!list.length) problems.push('items must list every item to correct (at least one): the notification is one-time');
  if (list.length > MAX_RETURN_ITEMS) problems.push(`items lists ${list.length}; at most ${MAX_RETURN_ITEMS}`);
  const seen = new Set<string>();
  list.forEach((i, n) => {
    if (i.attachmentId !== undefined) {
      if (!isUuid(i.attachmentId ?? '')) problems.push(`items[${n}].attachmentId is not an attachment id`);
      else if (list.findIndex((o) => o.attachmentId === i.attachmentId) !== n)
        problems.push(`items[${n}] names attachment ${i.attachmentId} again: one item per attachment`);
    }
    if (i.attachmentId !== undefined && !i.field) {
      // The attachment's name is filled in from the case.
    } else if (!i.field || i.field.length > 200)
      problems.push(`items[${n}].field must name what to correct (1 to 200 characters)`);
    if (!i.problem || i.problem.length > 2000)
      problems.push(`items[${n}].problem must say what is wrong (1 to 2000 characters)`);
    const key = `${i.field}\n${i.problem}`.toLowerCase();
    if (i.field && seen.has(key)) problems.push(`items[${n}] repeats an earlier item`);
    seen.add(key);
  });
  return { items: list, problems };
}

/** The Talents Center's pre-examination of an online submission (WP_OFFICER). */
export class PreExaminationService {
  constructor(
    private readonly commands: CommandPipeline,
    private readonly attachments: AttachmentService,
  ) {}

  /** Passes the pre-examination: the case may book an appointment (B/C) or walk in (A). */
  async pass(actor: Actor | null, caseId: string, note: string | null): Promise<CaseEntity> {
    assertCan(actor, 'case.preExamine');
    return this.commands.run(actor, this.passPreExamination, { caseId, note });
  }

  private readonly passPreExamination: CommandSpec<{ caseId: string; note: string | null }, CaseEntity, CaseEntity> = {
    name: 'passPreExamination',
    action: 'case.preExamine',
    ...ON_CASE,
    rules: (c) => void assertMove(c.status, 'passPreExamination', 'passing the pre-examination', c.reference),
    execute: (cx, c, { note }) =>
      changeCase(cx, async (changes) => {
        await this.attachments.settleOnPass(cx.tx, cx.actor!, c);
        changes.set(c, { preExamPassedAt: cx.now });
        const payload: CasePreExamPassedPayload = {
          caseId: c.id,
          category: c.category,
          passedAt: cx.now.toISOString(),
        };
        changes.event(c, EVENT_TYPES.casePreExamPassed, payload);
        changes.move(c, 'PRE_EXAM_PASSED', 'PRE_EXAM_PASSED', note?.trim() || null);
        return c;
      }),
  };

  /**
   * Returns the case with a one-time notification listing every item to correct; the
   * pre-examination clock stops until the agency resubmits.
   */
  async returnForCorrection(
    actor: Actor | null,
    caseId: string,
    rawItems: readonly ReturnItemInput[],
  ): Promise<CaseEntity> {
    assertCan(actor, 'case.preExamine');
    const { items, problems } = parseReturnItems(rawItems);
    if (problems.length) throw new BadUserInputError('The case cannot be returned', problems);
    return this.commands.run(actor, this.returnCase, { caseId, items });
  }

  private readonly returnCase: CommandSpec<{ caseId: string; items: ReturnItem[] }, CaseEntity, CaseEntity> = {
    name: 'returnCase',
    action: 'case.preExamine',
    ...ON_CASE,
    rules: (c) => void assertMove(c.status, 'returnForCorrection', 'returning for correction', c.reference),
    execute: (cx, c, { items }) =>
      changeCase(cx, async (changes) => {
        const corrections = items.flatMap((i) =>
          i.attachmentId ? [{ attachmentId: i.attachmentId, problem: i.problem }] : [],
        );
        if (corrections.length) {
          const names = await this.attachments.markForCorrection(cx.tx, cx.actor!, c, corrections);
          for (const i of items) if (i.attachmentId && !i.field) i.field = names.get(i.attachmentId)!;
        }
        changes.set(c, { returnItems: items, returnedAt: cx.now, returnCount: c.returnCount + 1 });
        const payload: CaseReturnedPayload = { caseId: c.id, items, returnedAt: cx.now.toISOString() };
        changes.event(c, EVENT_TYPES.caseReturned, payload);
        changes.move(c, 'RETURNED', 'RETURNED', items.map((i) => `${i.field}: ${i.problem}`).join('; '));
        return c;
      }),
  };
}
