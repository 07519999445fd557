/**
 * Default masking of personal data (RULES.md, "Personal information"): mobile 138****1234,
 * ID number first 6 and last 4, name 张*. Full values go only to actors whose policy allows them.
 */

/** Masks a phone number, keeping the first 3 and last 4 digits of a mobile number. */
export function maskPhone(phone: string): string {
  const all = phone.replace(/\D/g, '');
  // A mobile number written with the country code (+86 138…) is masked as the mobile number.
  const digits = all.length === 13 && all.startsWith('86') ? all.slice(2) : all;
  if (digits.length >= 11) return `${digits.slice(0, 3)}****${digits.slice(-4)}`;
  if (digits.length > 4) return `${'*'.repeat(digits.length - 4)}${digits.slice(-4)}`;
  return '*'.repeat(digits.length);
}

/** Masks a resident identity card number, keeping the first 6 and the last 4 characters. */
export function maskIdNumber(idNumber: string): string {
  if (idNumber.length <= 10) return '*'.repeat(idNumber.length);
  return `${idNumber.slice(0, 6)}${'*'.repeat(idNumber.length - 10)}${idNumber.slice(-4)}`;
}

/** Masks a person's name, keeping the first character (the family name for most Chinese names). */
export function maskName(name: string): string {
  const chars = Array.from(name);
  if (chars.length <= 1) return name;
  return `${chars[0]}${'*'.repeat(chars.length - 1)}`;
}
