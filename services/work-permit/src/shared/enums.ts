import { registerEnumType } from 'type-graphql';
import {
  CASE_STATUSES,
  CATEGORIES,
  IN_MAINLAND_BASES,
  PERMIT_DECISION_STATUSES,
  ROUTES,
  type CaseStatus,
  type Category,
  type InMainlandBasis,
  type PermitDecisionStatus,
  type Route,
} from '@onestop/common/contract';
import {
  HOUSEHOLD_REGISTRATIONS,
  PRESENTER_KINDS,
  SEXES,
  type HouseholdRegistration,
  type PresenterKind,
  type Sex,
} from './vocabulary.js';

/** A GraphQL enum object from a list of values (the names are the values). */
export function enumOf<T extends string>(values: readonly T[]): { [K in T]: K } {
  return Object.fromEntries(values.map((v) => [v, v])) as { [K in T]: K };
}

/** The GraphQL enums of work-permit, built from the shared vocabulary so they never drift from it. */
export const CaseStatusEnum = enumOf<CaseStatus>(CASE_STATUSES);
export const CaseRouteEnum = enumOf<Route>(ROUTES);
export const TalentCategoryEnum = enumOf<Category>(CATEGORIES);
export const InMainlandBasisEnum = enumOf<InMainlandBasis>(IN_MAINLAND_BASES);
export const PermitDecisionStatusEnum = enumOf<PermitDecisionStatus>(PERMIT_DECISION_STATUSES);
export const SexEnum = enumOf<Sex>(SEXES);
export const HouseholdRegistrationEnum = enumOf<HouseholdRegistration>(HOUSEHOLD_REGISTRATIONS);
export const PresenterKindEnum = enumOf<PresenterKind>(PRESENTER_KINDS);
export const CaseOrderEnum = enumOf(['PRE_EXAM_DUE_ASC', 'DUE_ASC', 'SUBMITTED_DESC'] as const);
export type CaseOrder = keyof typeof CaseOrderEnum;

registerEnumType(CaseStatusEnum, {
  name: 'CaseStatus',
  description: 'Where a case is in its lifecycle (work-permit owns it; the other subgraphs move it by events).',
});
registerEnumType(CaseRouteEnum, { name: 'CaseRoute', description: 'Service scope (seed §3).' });
registerEnumType(TalentCategoryEnum, { name: 'TalentCategory', description: 'A high-end, B professional, C other.' });
registerEnumType(InMainlandBasisEnum, {
  name: 'InMainlandBasis',
  description: 'The basis of an IN_MAINLAND application.',
});
registerEnumType(PermitDecisionStatusEnum, { name: 'PermitDecisionStatus', description: 'A permit decision.' });
registerEnumType(SexEnum, { name: 'Sex' });
registerEnumType(HouseholdRegistrationEnum, {
  name: 'HouseholdRegistration',
  description:
    'Mainland household registration (户口). NOT_CANCELLED cannot be filed: it must be cancelled first (seed §6.2).',
});
registerEnumType(PresenterKindEnum, {
  name: 'MaterialsPresenter',
  description:
    'Who hands in the work-permit materials: the registered handler, or other employer staff with a letter of introduction.',
});
registerEnumType(CaseOrderEnum, {
  name: 'CaseOrder',
  description:
    "PRE_EXAM_DUE_ASC: soonest pre-examination due first, then by id. DUE_ASC: soonest open clock due first (a SUBMITTED case: its pre-examination due; an ACCEPTED case: its issuance due), cases with no open clock last, then by id: the officers' work lists. SUBMITTED_DESC: newest filing first, then by id.",
});
