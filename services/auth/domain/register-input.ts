/**
 * The rules a self-registration's input must meet before anything touches the database. They
 * are the platform's, stricter than Odoo's `res.users.create` (which takes any login, any
 * name, any password, even an empty one): a sign-up form is open to everybody.
 */

/** Why a registration is refused; the REST route maps each to its problem type. */
export type RefusalReason =
  | 'login_taken'
  | 'invalid_login'
  | 'invalid_name'
  | 'invalid_email'
  | 'invalid_password'
  | 'invalid_lang'
  | 'invalid_tz';

export class RegistrationRefused extends Error {
  constructor(
    readonly reason: RefusalReason,
    message: string,
  ) {
    super(message);
    this.name = 'RegistrationRefused';
  }
}

/** passlib refuses secrets longer than this many bytes (`MAX_PASSWORD_SIZE`), so Odoo could never verify them. */
export const MAX_PASSWORD_BYTES = 4096;
export const MIN_PASSWORD_CHARACTERS = 8;
/** RFC 5321 §4.5.3.1: a path holds at most 256 octets with its brackets, so an address at most 254. */
export const MAX_EMAIL_LENGTH = 254;
const MAX_LOCAL_PART_LENGTH = 64;
const MAX_DOMAIN_LABEL_LENGTH = 63;
/** A login may be the email address, so it is held to the same length. */
export const MAX_LOGIN_LENGTH = MAX_EMAIL_LENGTH;
export const MAX_NAME_LENGTH = 256;

/** C0 and C1 controls and DEL: never part of a name or a login someone types. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** RFC 5322 §3.2.3 `atext`: what a dot-atom's atoms are made of. */
const ATOM = /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~]+$/;
/** A DNS label (RFC 1035 §2.3.1, with RFC 1123's leading digits): letters, digits, inner hyphens. */
const DNS_LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/;

/**
 * An RFC 5322 `addr-spec` in its dot-atom form: `local@domain`, the local part atoms of `atext`
 * joined by single dots, the domain a DNS host name of at least two labels whose last one is
 * not all digits. Refused on purpose although RFC 5322 allows them: quoted local parts,
 * comments and folding white space, obsolete syntax and domain literals. Mail tooling (Odoo's
 * `email_split` over Python's `getaddresses`) parses those differently from one another — a
 * quoted `"a@b.example,"@c.example` can come out as two recipients — and an address that
 * receives password resets must mean one mailbox to every reader. ASCII only (no RFC 6531
 * internationalised addresses; an IDN domain is accepted in its punycode form).
 */
export function isValidEmailAddress(address: string): boolean {
  if (address.length > MAX_EMAIL_LENGTH) return false;
  const at = address.lastIndexOf('@');
  if (at <= 0) return false;
  const local = address.slice(0, at);
  const domain = address.slice(at + 1);
  if (local.length > MAX_LOCAL_PART_LENGTH || !local.split('.').every((atom) => ATOM.test(atom))) return false;
  const labels = domain.split('.');
  if (labels.length < 2) return false;
  if (!labels.every((label) => label.length <= MAX_DOMAIN_LABEL_LENGTH && DNS_LABEL.test(label))) return false;
  return !/^[0-9]+$/.test(labels[labels.length - 1]!);
}

/** The IANA zone names the platform accepts: what this runtime's ICU knows, and `UTC`. */
let zones: ReadonlySet<string> | null = null;
export function isKnownTimeZone(tz: string): boolean {
  zones ??= new Set([...Intl.supportedValuesOf('timeZone'), 'UTC']);
  return zones.has(tz);
}

export interface RegistrationFields {
  login: string;
  password: string;
  name: string;
  email?: string;
  lang?: string;
  tz?: string;
}

/** What is written once the input passed: surrounding white space gone, the email settled. */
export interface CheckedRegistration {
  login: string;
  password: string;
  name: string;
  /** The partner's email: the one given, else the login when the login is an address, else none. */
  email: string | null;
  lang: string | null;
  tz: string | null;
}

/**
 * Checks everything that needs no database (the language needs `res_lang`, the login's
 * uniqueness `res_users`). Login, name and email lose surrounding white space, which nobody
 * means and which would make the stored login differ from the one typed at the next sign-in.
 * The password is kept exactly as given.
 */
export function checkRegistrationInput(input: RegistrationFields): CheckedRegistration {
  const login = typeof input.login === 'string' ? input.login.trim() : '';
  if (!login) throw new RegistrationRefused('invalid_login', 'The login is empty.');
  if (login.length > MAX_LOGIN_LENGTH || CONTROL.test(login)) throw new RegistrationRefused('invalid_login', `The login must be at most ${MAX_LOGIN_LENGTH} printable characters.`);
  // "The login may be the email": a login that looks like an address must be a valid one.
  if (login.includes('@') && !isValidEmailAddress(login)) throw new RegistrationRefused('invalid_email', 'The login is not a valid email address.');

  const name = typeof input.name === 'string' ? input.name.trim() : '';
  if (!name) throw new RegistrationRefused('invalid_name', 'The name is empty.');
  if ([...name].length > MAX_NAME_LENGTH || CONTROL.test(name)) throw new RegistrationRefused('invalid_name', `The name must be at most ${MAX_NAME_LENGTH} printable characters.`);

  let email: string | null = null;
  if (input.email !== undefined) {
    email = typeof input.email === 'string' ? input.email.trim() : '';
    if (!isValidEmailAddress(email)) throw new RegistrationRefused('invalid_email', 'The email address is not valid.');
  } else if (login.includes('@')) {
    // auth_signup's `signup`: `values['email'] = values.get('email') or values.get('login')`.
    email = login;
  }

  const password = input.password;
  if (typeof password !== 'string' || !password) throw new RegistrationRefused('invalid_password', 'The password is empty.');
  if (Buffer.byteLength(password, 'utf8') > MAX_PASSWORD_BYTES) throw new RegistrationRefused('invalid_password', `The password is longer than ${MAX_PASSWORD_BYTES} bytes.`);
  // Characters as people count them: code points, not UTF-16 units (an emoji is one).
  if ([...password].length < MIN_PASSWORD_CHARACTERS) throw new RegistrationRefused('invalid_password', `The password must have at least ${MIN_PASSWORD_CHARACTERS} characters.`);

  if (input.tz !== undefined && (typeof input.tz !== 'string' || !isKnownTimeZone(input.tz))) throw new RegistrationRefused('invalid_tz', 'The time zone is not a known IANA time zone.');
  if (input.lang !== undefined && (typeof input.lang !== 'string' || !input.lang)) throw new RegistrationRefused('invalid_lang', 'The language is not an active language.');

  return { login, password, name, email, lang: input.lang ?? null, tz: input.tz ?? null };
}
