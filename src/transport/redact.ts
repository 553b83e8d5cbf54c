/**
 * Removes personal data from free text before it is logged or stored: card
 * numbers (13–19 digits that pass Luhn), emails, phone numbers and national
 * ids. pino's `redact` only removes whole fields by path; a card number inside
 * a call id or a message needs this.
 */
const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+\.[\p{L}]{2,}/gu;
const DIGIT_RUN = /\+?\d[\d\s-]{6,}\d/g;
/** Chinese resident id (17 digits + digit/X), Korean RRN (6-7 digits). */
const NATIONAL_ID = /\b\d{17}[\dXx]\b|\b\d{6}-\d{7}\b/g;

function luhn(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/** Texts with neither an @ nor a run of 7 digits hold nothing to redact: the common case, checked cheaply. */
const MAYBE_PII = /@|\d[\d\s-]{5,}\d/;

export function redact(text: string): string {
  if (!MAYBE_PII.test(text)) return text;
  return text
    .replace(EMAIL, "[email]")
    .replace(NATIONAL_ID, "[id]")
    .replace(DIGIT_RUN, (run) => {
      const digits = run.replace(/\D/g, "");
      if (digits.length >= 13 && digits.length <= 19 && luhn(digits)) return "[card]";
      if (digits.length >= 7) return "[phone]";
      return run;
    });
}
