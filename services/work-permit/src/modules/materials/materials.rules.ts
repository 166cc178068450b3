import type { PresenterKind } from '../../shared/vocabulary.js';
/**
 * The work-permit half of the paper materials checked at the counter (seed §5, DOMAIN.md):
 * the original and a copy of every attachment filed online, the identity document of the
 * registered handler (or, for other employer staff, a letter of introduction with the
 * original and a copy of their identity document), and the applicant's original passport.
 */

/** One item the clerk must see. `item` is a stable key; `label` is what a person reads. */
export interface ChecklistItem {
  item: string;
  label: string;
}

/** The items required for a case, in the order a clerk checks them. */
export function requiredItems(attachments: readonly string[], presenter: PresenterKind): ChecklistItem[] {
  const items: ChecklistItem[] = [];
  attachments.forEach((name, i) => {
    items.push({ item: `attachment-${i + 1}-original`, label: `Original of attachment "${name}"` });
    items.push({ item: `attachment-${i + 1}-copy`, label: `Copy of attachment "${name}"` });
  });
  if (presenter === 'REGISTERED_HANDLER') {
    items.push({ item: 'handler-identity-document', label: "Registered handler's identity document" });
  } else {
    items.push({ item: 'letter-of-introduction', label: "Employer's letter of introduction for the staff member" });
    items.push({ item: 'staff-identity-document', label: "Staff member's identity document (original)" });
    items.push({ item: 'staff-identity-copy', label: "Copy of the staff member's identity document" });
  }
  items.push({ item: 'applicant-passport', label: "Applicant's original passport" });
  return items;
}

/** Whether the checklist is complete, and the labels of what is missing (what blocks acceptance). */
export function checklistState(
  required: readonly ChecklistItem[],
  present: ReadonlySet<string>,
): { complete: boolean; missing: string[] } {
  const missing = required.filter((r) => !present.has(r.item)).map((r) => r.label);
  return { complete: missing.length === 0, missing };
}
