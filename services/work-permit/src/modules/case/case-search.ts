import { registerEnumType } from 'type-graphql';
import type { SelectQueryBuilder } from 'typeorm';
import type { Actor } from '@onestop/common';
import { enumOf } from '../../shared/enums.js';
import type { CaseEntity } from './case.entity.js';

/** What a search looks in (issue 13, item 5). */
export const CASE_SEARCH_BY = ['APPLICANT_NAME', 'PASSPORT_PREFIX', 'REFERENCE_PREFIX', 'EMPLOYER'] as const;
export type CaseSearchBy = (typeof CASE_SEARCH_BY)[number];
export const CaseSearchByEnum = enumOf<CaseSearchBy>(CASE_SEARCH_BY);
registerEnumType(CaseSearchByEnum, {
  name: 'CaseSearchBy',
  description:
    "APPLICANT_NAME: part of the applicant's name, Latin letters or Chinese characters, accents and case ignored. PASSPORT_PREFIX: the start of the passport number (officers and clerks only). REFERENCE_PREFIX: the start of the reference (OS-2026-00…). EMPLOYER: part of the employer's name.",
});

/** A search as the API receives it. */
export interface CaseSearchData {
  by: CaseSearchBy;
  text: string;
}

/** The access-log field a search of each kind writes (the text searched for is logged beside it). */
export const SEARCH_LOG_FIELD: Record<CaseSearchBy, string> = {
  APPLICANT_NAME: 'search.applicantName',
  PASSPORT_PREFIX: 'search.passportPrefix',
  REFERENCE_PREFIX: 'search.referencePrefix',
  EMPLOYER: 'search.employer',
};

/** Longest text a search takes, in characters. */
export const SEARCH_TEXT_MAX = 100;

/**
 * Normalises a search's text and adds what is wrong with it to `problems`. Name and employer
 * texts need at least three trigram-bearing characters (three Latin letters or digits, or one
 * Chinese character, which the index spells as six): shorter ones would read every row.
 */
export function normaliseSearch(s: CaseSearchData, problems: string[]): CaseSearchData {
  const text = s.text.normalize('NFKC').replace(/\s+/g, ' ').trim();
  const field = 'filter.search.text';
  if (text.length > SEARCH_TEXT_MAX) {
    problems.push(`${field} is longer than ${SEARCH_TEXT_MAX} characters`);
    return { by: s.by, text };
  }
  switch (s.by) {
    case 'APPLICANT_NAME':
    case 'EMPLOYER': {
      if (searchWeight(text) < 3)
        problems.push(`${field} needs at least 3 letters or digits, or 1 Chinese character, to search by`);
      return { by: s.by, text };
    }
    case 'PASSPORT_PREFIX': {
      const p = text.replace(/\s/g, '').toUpperCase();
      if (!/^[A-Z0-9]{3,20}$/.test(p))
        problems.push(`${field} must be 3 to 20 letters and digits of a passport number`);
      return { by: s.by, text: p };
    }
    case 'REFERENCE_PREFIX': {
      const r = text.replace(/\s/g, '').toUpperCase();
      if (!/^[A-Z0-9-]{3,20}$/.test(r))
        problems.push(`${field} must be 3 to 20 letters, digits or hyphens of a reference`);
      return { by: s.by, text: r };
    }
  }
}

/** How many trigram-bearing characters `wp.search_key` makes of a text (accents dropped). */
function searchWeight(text: string): number {
  let w = 0;
  for (const ch of text.normalize('NFKD').replace(/\p{M}/gu, '')) {
    if (/[A-Za-z0-9]/.test(ch)) w += 1;
    else if (/\p{L}|\p{N}/u.test(ch)) w += 6;
  }
  return w;
}

/** Whether the role may search this way: a passport prefix is personal data (officers, clerks). */
export function maySearchBy(actor: Actor, by: CaseSearchBy): boolean {
  return by !== 'PASSPORT_PREFIX' || ['WP_OFFICER', 'EE_OFFICER', 'CLERK'].includes(actor.role);
}

// LIKE's own characters in the key (an employer may be called "100% Ltd") are matched literally.
const escapedKey = (param: string): string =>
  `replace(replace(replace(wp.search_key(:${param}), '\\', '\\\\'), '%', '\\%'), '_', '\\_')`;

/**
 * Adds a normalised search to a case query. Names go through the trigram index over the stored
 * `wp.search_key` of the name (migration 1796620000001); prefixes through text_pattern_ops btrees.
 */
export function applySearch(qb: SelectQueryBuilder<CaseEntity>, s: CaseSearchData): void {
  switch (s.by) {
    case 'APPLICANT_NAME':
      qb.andWhere(`c.applicant_name_key LIKE '%' || ${escapedKey('searchText')} || '%'`, {
        searchText: s.text,
      });
      return;
    case 'EMPLOYER':
      qb.andWhere(
        `c.employer_id IN (SELECT e.id FROM wp.employer e WHERE wp.search_key(e.name) LIKE '%' || ${escapedKey('searchText')} || '%')`,
        { searchText: s.text },
      );
      return;
    case 'PASSPORT_PREFIX':
      qb.andWhere(`c.applicant_passport_number LIKE :searchPrefix`, { searchPrefix: `${s.text}%` });
      return;
    case 'REFERENCE_PREFIX':
      qb.andWhere(`c.reference LIKE :searchPrefix`, { searchPrefix: `${s.text}%` });
      return;
  }
}
