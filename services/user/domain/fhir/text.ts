/**
 * A legacy text as a FHIR string (R4: `^[ \r\n\t\S]+$`, and not only whitespace): whitespace other
 * than space, CR, LF and tab (a no-break space, a form feed…) becomes a space; a text that is
 * empty or all whitespace is no value (the element is left out), as FHIR wants absent rather
 * than empty elements.
 */
export function fhirString(text: string | null | undefined): string | undefined {
  if (text === null || text === undefined || !text.trim()) return undefined;
  return text.replace(/[^\S \r\n\t]/gu, ' ');
}
