/**
 * The residence-permit half of the paper materials checked at the counter (seed §5). A clerk
 * records each item; acceptance is refused while any is not verified, with the list of what
 * is missing (counter-scheduling shows it from `residence-permit.materials-changed`).
 */

export const RESIDENCE_MATERIALS = [
  'PASSPORT',
  'APPLICATION_FORM',
  'ACCOMMODATION_REGISTRATION',
  'EMPLOYER_OPINION_LETTER',
] as const;
export type ResidenceMaterial = (typeof RESIDENCE_MATERIALS)[number];

/** MISSING: not brought; PRESENT: brought, not (yet) found in order; VERIFIED: checked and in order. */
export const MATERIAL_STATES = ['MISSING', 'PRESENT', 'VERIFIED'] as const;
export type MaterialState = (typeof MATERIAL_STATES)[number];

/** What the clerk confirms on the Application Form for Foreigner Visa Documents. */
export interface ApplicationFormChecks {
  blackInk: boolean;
  colourPhoto2Inch: boolean;
  whiteBackground: boolean;
  noHeadwear: boolean;
}

export const MATERIAL_LABELS: Readonly<Record<ResidenceMaterial, string>> = {
  PASSPORT: 'Valid passport or travel document (original)',
  APPLICATION_FORM:
    'Application Form for Foreigner Visa Documents, filled in black ink, with a recent 2-inch colour photo (white background, no headwear)',
  ACCOMMODATION_REGISTRATION: 'Accommodation registration with the local police station or hotel',
  EMPLOYER_OPINION_LETTER: "Employer's opinion letter agreeing to the application",
};

const FORM_CHECK_PROBLEMS: Readonly<Record<keyof ApplicationFormChecks, string>> = {
  blackInk: 'the form must be filled in black ink',
  colourPhoto2Inch: 'the photo must be a recent 2-inch colour photo',
  whiteBackground: 'the photo must have a white background',
  noHeadwear: 'the photo must show no headwear',
};

/** One item as a clerk records it. */
export interface MaterialUpdate {
  item: string;
  state: string;
  applicationForm?: ApplicationFormChecks | null;
  note?: string | null;
}

/** One item as stored. */
export interface RecordedMaterial {
  item: ResidenceMaterial;
  state: MaterialState;
}

/** The checklist's verdict. */
export interface ChecklistSummary {
  complete: boolean;
  /** Labels of the items not verified, in checklist order. */
  missing: string[];
}

export const MAX_NOTE_LENGTH = 500;

/** Every problem with a clerk's list of updates (empty when it is fine). */
export function materialUpdateProblems(updates: readonly MaterialUpdate[]): string[] {
  const problems: string[] = [];
  if (!updates.length) problems.push('items must list at least one material');
  const seen = new Set<string>();
  updates.forEach((u, i) => {
    const at = `items[${i}]`;
    if (!(RESIDENCE_MATERIALS as readonly string[]).includes(u.item)) {
      problems.push(`${at}.item must be one of ${RESIDENCE_MATERIALS.join(', ')}`);
      return;
    }
    if (seen.has(u.item)) problems.push(`${at}: ${u.item} is listed more than once`);
    seen.add(u.item);
    if (!(MATERIAL_STATES as readonly string[]).includes(u.state))
      problems.push(`${at}.state must be one of ${MATERIAL_STATES.join(', ')}`);
    if (u.applicationForm && u.item !== 'APPLICATION_FORM')
      problems.push(`${at}.applicationForm applies only to APPLICATION_FORM`);
    if (u.item === 'APPLICATION_FORM' && u.state === 'VERIFIED') {
      if (!u.applicationForm) {
        problems.push(
          `${at}: to verify the application form, confirm applicationForm { blackInk colourPhoto2Inch whiteBackground noHeadwear }`,
        );
      } else {
        for (const [k, problem] of Object.entries(FORM_CHECK_PROBLEMS) as [keyof ApplicationFormChecks, string][]) {
          if (!u.applicationForm[k]) problems.push(`${at}: the application form cannot be verified: ${problem}`);
        }
      }
    }
    if (u.note && u.note.length > MAX_NOTE_LENGTH)
      problems.push(`${at}.note must be at most ${MAX_NOTE_LENGTH} characters`);
  });
  return problems;
}

/** Complete when every item is verified; `missing` names the others for the applicant. */
export function summarizeChecklist(recorded: readonly RecordedMaterial[]): ChecklistSummary {
  const verified = new Set(recorded.filter((r) => r.state === 'VERIFIED').map((r) => r.item));
  const missing = RESIDENCE_MATERIALS.filter((m) => !verified.has(m)).map((m) => MATERIAL_LABELS[m]);
  return { complete: missing.length === 0, missing };
}
