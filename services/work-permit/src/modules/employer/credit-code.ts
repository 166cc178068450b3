/**
 * The unified social credit code (统一社会信用代码) of GB 32100-2015: 18 characters from a
 * 31-character alphabet (digits and upper-case letters without I, O, S, V, Z):
 *   1 registration authority, 2 organisation type, 3-8 administrative division (digits),
 *   9-17 organisation code, 18 check character.
 * The check character is 31 - (Σ value(cᵢ)·wᵢ mod 31), with 31 written as 0.
 */
const ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** The check character for the first 17 characters, or null if one is outside the alphabet. */
export function creditCodeCheckCharacter(first17: string): string | null {
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const v = ALPHABET.indexOf(first17[i] ?? '');
    if (v < 0) return null;
    sum += v * WEIGHTS[i]!;
  }
  return ALPHABET[(31 - (sum % 31)) % 31]!;
}

/** What is wrong with a credit code (upper-cased and trimmed by the caller), or null when valid. */
export function creditCodeProblem(code: string): string | null {
  if (code.length !== 18) return `must be 18 characters, got ${code.length}`;
  const bad = [...code].find((c) => !ALPHABET.includes(c));
  if (bad !== undefined)
    return `contains "${bad}", which is not in the GB 32100-2015 alphabet (digits and letters except I, O, S, V, Z)`;
  if (!/^[0-9]{6}$/.test(code.slice(2, 8))) return 'characters 3-8 must be the 6-digit administrative division code';
  const expected = creditCodeCheckCharacter(code.slice(0, 17));
  if (expected !== code[17])
    return `has check character ${code[17]}, but GB 32100-2015 gives ${expected}: the code is mistyped`;
  return null;
}
