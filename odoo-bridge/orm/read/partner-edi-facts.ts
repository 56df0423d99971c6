/**
 * Facts of Odoo 18 Python modules that res.partner computes read (partner-account-computes.ts),
 * transcribed as data: base_vat's example VAT numbers by country (`_ref_vat`, shown by account's
 * `partner_vat_placeholder`) and account_edi_ubl_cii's e-invoicing formats
 * (`_get_ubl_cii_formats_info`, the countries of `EAS_MAPPING`).
 */

/** base_vat res_partner.py `_ref_vat`: lower-case country code → example VAT (en_US). */
export const VAT_PLACEHOLDER_EXAMPLES: Readonly<Record<string, string>> = {
  al: "ALJ91402501L",
  ar: "AR200-5536168-2 or 20055361682",
  at: "ATU12345675",
  au: "83 914 571 673",
  be: "BE0477472701",
  bg: "BG1234567892",
  br: "either 11 digits for CPF or 14 digits for CNPJ",
  cr: "3101012009",
  ch: "CHE-123.456.788 TVA or CHE-123.456.788 MWST or CHE-123.456.788 IVA",
  cl: "CL76086428-5",
  co: "CO213123432-1 or CO213.123.432-1",
  cy: "CY10259033P",
  cz: "CZ12345679",
  de: "DE123456788 or 12/345/67890",
  dk: "DK12345674",
  do: "DO1-01-85004-3 or 101850043",
  ec: "1792060346001 or 1792060346",
  ee: "EE123456780",
  es: "ESA12345674",
  fi: "FI12345671",
  fr: "FR23334175221",
  gb: "GB123456782 or XI123456782",
  gr: "EL123456783",
  hu: "HU12345676 or 12345678-1-11 or 8071592153",
  hr: "HR01234567896",
  ie: "IE1234567FA",
  il: "XXXXXXXXX [9 digits] and it should respect the Luhn algorithm checksum",
  in: "12AAAAA1234AAZA",
  is: "IS062199",
  it: "IT12345670017",
  lt: "LT123456715",
  lu: "LU12345613",
  lv: "LV41234567891",
  mc: "FR53000004605",
  mt: "MT12345634",
  mx: "MXGODE561231GR8 or GODE561231GR8",
  nl: "NL123456782B90",
  no: "NO123456785",
  nz: "49-098-576 or 49098576",
  pe: "10XXXXXXXXY or 20XXXXXXXXY or 15XXXXXXXXY or 16XXXXXXXXY or 17XXXXXXXXY",
  ph: "123-456-789-123",
  pl: "PL1234567883",
  pt: "PT123456789",
  ro: "RO1234567897 or 8001011234567 or 9000123456789",
  rs: "RS101134702",
  ru: "RU123456789047",
  se: "SE123456789701",
  si: "SI12345679",
  sk: "SK2022749619",
  sm: "SM24165",
  tr: "17291716060 (NIN) or 1729171602 (VKN)",
  uy: "'219999830019' (should be 12 digits)",
  ve: "V-12345678-1, V123456781, V-12.345.678-1",
  xi: "XI123456782",
  sa: "310175397400003 [Fifteen digits, first and last digits should be \"3\"]",
};

/** account_edi_common.py `EAS_MAPPING`'s countries: ubl_bis3 is offered in each. */
const EAS_COUNTRIES: readonly string[] = ['AD', 'AL', 'AT', 'AU', 'BA', 'BE', 'BG', 'CH', 'CY', 'CZ', 'DE', 'DK', 'EE', 'ES', 'FI', 'FR', 'GB', 'GR', 'HR', 'HU', 'IE', 'IS', 'IT', 'JP', 'LI', 'LT', 'LU', 'LV', 'MC', 'ME', 'MK', 'MT', 'NL', 'NO', 'NZ', 'PL', 'PT', 'RO', 'RS', 'SE', 'SG', 'SI', 'SK', 'SM', 'TR', 'VA'];

/** `_get_ubl_cii_formats_info`, in its order: countries, on Peppol, sequence (100 when not given). */
const FORMATS: ReadonlyArray<{ key: string; countries: readonly string[]; onPeppol: boolean; sequence: number }> = [
  { key: 'ubl_bis3', countries: EAS_COUNTRIES, onPeppol: true, sequence: 200 },
  { key: 'xrechnung', countries: ['DE'], onPeppol: true, sequence: 100 },
  { key: 'ubl_a_nz', countries: ['NZ', 'AU'], onPeppol: true, sequence: 100 },
  { key: 'nlcius', countries: ['NL'], onPeppol: true, sequence: 100 },
  { key: 'ubl_sg', countries: ['SG'], onPeppol: true, sequence: 100 },
  { key: 'facturx', countries: ['FR'], onPeppol: false, sequence: 100 },
];

/** `_get_ubl_cii_formats()`. */
export const UBL_CII_FORMATS: readonly string[] = FORMATS.map((f) => f.key);
/** `_get_peppol_formats()`. */
export const PEPPOL_FORMATS: readonly string[] = FORMATS.filter((f) => f.onPeppol).map((f) => f.key);

/**
 * `_get_suggested_ubl_cii_edi_format`: the format of the partner's country (`_deduce_country_code`:
 * the VAT's prefix when its first two characters are letters, else the country's code), the one of
 * smallest sequence when several (the first of them on a tie, as Python's `min`), else False.
 */
export function suggestedUblCiiFormat(countryCode: string | null, vat: string | null): string | false {
  const code = vat && /^\p{L}{2}/u.test(vat) ? vat.slice(0, 2).toUpperCase() : countryCode;
  if (!code) return false;
  let best: (typeof FORMATS)[number] | undefined;
  for (const format of FORMATS) if (format.countries.includes(code) && (!best || format.sequence < best.sequence)) best = format;
  return best ? best.key : false;
}
