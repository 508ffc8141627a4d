// The custom message trigger's configuration (the customMessages prop) and its templates (cdk/messages.json and the
// files of cdk/messages/, which the bootstrap binary compiles in: lambda/auth-api/src/triggers/custom_message/), checked
// at synth by the same rules the function applies: every template's HTML body and text carry Cognito's code placeholder
// once the function has filled them in (and the invitation the username's), and fit Cognito's sizes with the prop's
// values. "Must include the codeParameter value received in the request"; for CustomMessage_AdminCreateUser "the
// response from your function must include placeholder variables for the username and code"; "For email, the maximum
// length for the message is 20,000 UTF-8 characters, including the verification code ... For SMS, the maximum length is
// 140 UTF-8 characters" (https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-custom-message.html).
import * as fs from 'fs';
import * as path from 'path';
import { Token } from 'aws-cdk-lib';

/** The product's name and links in the emails of the custom message trigger. */
export interface CustomMessageOptions {
  /** The product's name, in every subject, body and text: 1 to 64 characters, no braces (HTML-escaped in the emails). */
  readonly productName: string;
  /** Where users sign in (an https:// link in the sign-up, reset and invitation emails). @default - no sign-in link */
  readonly signInUrl?: string;
  /** Where users get help (an https:// link in every email). @default - no support link */
  readonly supportUrl?: string;
}

/** One template of cdk/messages.json, its files read. */
export interface MessageTemplate {
  readonly name: string;
  readonly triggerSources: string[];
  readonly subject: string;
  readonly html: string;
  readonly text: string;
}

/** cdk/messages.json, its files read. */
export interface MessageTemplates {
  readonly limits: { readonly emailMessage: number; readonly emailSubject: number; readonly smsMessage: number };
  readonly templates: MessageTemplate[];
}

/** The repository's templates (beside cdk/triggers.json). */
export const DEFAULT_MESSAGES_FILE = path.join(__dirname, '..', 'cdk', 'messages.json');

/** Cognito's placeholders, as the events carry them: the code (or temporary password) and the user name. */
export const CODE_PARAMETER = '{####}';
export const USERNAME_PARAMETER = '{username}';
/** The trigger source whose message must name the user too. */
export const INVITATION_SOURCE = 'CustomMessage_AdminCreateUser';
const PLACEHOLDERS = ['code', 'username', 'email', 'productName', 'signInUrl', 'supportUrl'];
/**
 * The longest values the function can meet, for the size checks: an address of RFC 5321's 254 characters, each one
 * that HTML-escaping makes six; Cognito's codes (six digits, as long as `{####}`) and a temporary password of 16; a
 * user name that is the id Cognito gives users of a pool signing in with email (36).
 */
const WORST_EMAIL = "'".repeat(254);
const WORST_CODE = 'x'.repeat(6);
const WORST_TEMPORARY_PASSWORD = 'x'.repeat(16);
const WORST_USERNAME = 'x'.repeat(36);

/** Read cdk/messages.json and the template files it names. */
export function loadMessageTemplates(file: string = DEFAULT_MESSAGES_FILE): MessageTemplates {
  const raw = JSON.parse(fs.readFileSync(file, 'utf-8'));
  const dir = path.dirname(file);
  return {
    limits: raw.limits,
    templates: (raw.templates as any[]).map((t) => ({
      name: t.name,
      triggerSources: t.triggerSources,
      subject: t.subject,
      html: fs.readFileSync(path.join(dir, t.html), 'utf-8'),
      text: fs.readFileSync(path.join(dir, t.text), 'utf-8'),
    })),
  };
}

/** HTML-escaping as the function does it (& < > " ' and braces). */
export function escapeHtml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#x27;')
    .replace(/\{/g, '&#123;').replace(/\}/g, '&#125;');
}

/** Fill in a template as the function does: a line naming an unset link is left out; values escaped in HTML. */
export function fillTemplate(template: string, values: { [name: string]: string | undefined }, html: boolean, where: string): string {
  return template.split(/(?<=\n)/).flatMap((line) => {
    let dropped = false;
    const out = line.replace(/\{\{([^}]*)\}\}/g, (_m, name: string) => {
      if (!PLACEHOLDERS.includes(name)) throw new Error(`CognitoAuthApi: customMessages: ${where} names an unknown placeholder {{${name}}} (known: ${PLACEHOLDERS.join(', ')})`);
      const v = values[name];
      if (v === undefined) {
        dropped = true;
        return '';
      }
      return html && name !== 'code' && name !== 'username' ? escapeHtml(v) : v;
    });
    if (/\{\{/.test(out)) throw new Error(`CognitoAuthApi: customMessages: ${where} has a {{ placeholder that is not closed`);
    return dropped ? [] : [out];
  }).join('');
}

const URL_RULE = /^https:\/\/[^/\s"'<>{}\\`][^\s"'<>{}\\`]*$/;

/**
 * The custom message trigger's environment (CUSTOM_MESSAGES), after checking the prop and every template against
 * Cognito's rules with its values. Throws naming the template and what is wrong, so a template edited without its code
 * placeholder (or a product name too long for an SMS) fails synth, not a sign-up. undefined without the prop.
 */
export function customMessagesEnv(options: CustomMessageOptions | undefined, triggerSources: string[], templates: MessageTemplates = loadMessageTemplates()): string | undefined {
  if (options === undefined) return undefined;
  const fail = (msg: string): never => {
    throw new Error(`CognitoAuthApi: customMessages: ${msg}`);
  };
  const { productName, signInUrl, supportUrl } = options;
  for (const [k, v] of Object.entries({ productName, signInUrl, supportUrl })) {
    if (v !== undefined && (typeof v !== 'string' || Token.isUnresolved(v))) fail(`${k} must be a literal string (the function reads it from its environment)`);
  }
  if (productName.length === 0 || [...productName].length > 64 || productName.trim() !== productName || /[{}\p{Cc}]/u.test(productName)) {
    fail(`productName must be 1 to 64 characters, without braces, control characters or surrounding spaces (got ${JSON.stringify(productName)})`);
  }
  for (const [k, v] of [['signInUrl', signInUrl], ['supportUrl', supportUrl]] as const) {
    if (v !== undefined && (!URL_RULE.test(v) || v.length > 1024)) fail(`${k} must be an https:// URL of at most 1024 characters, without spaces, quotes, <, >, braces or backslashes (got ${JSON.stringify(v)})`);
  }
  for (const source of triggerSources) {
    const n = templates.templates.filter((t) => t.triggerSources.includes(source)).length;
    if (n !== 1) fail(`trigger source ${source} has ${n} templates in cdk/messages.json; it needs exactly one`);
  }
  const { limits } = templates;
  for (const t of templates.templates) {
    const invitation = t.triggerSources.includes(INVITATION_SOURCE);
    const values = { code: CODE_PARAMETER, username: invitation ? USERNAME_PARAMETER : undefined, email: 'user@example.com', productName, signInUrl, supportUrl };
    const subject = fillTemplate(t.subject, values, false, `template ${t.name}'s subject`).trim();
    const html = fillTemplate(t.html, values, true, `template ${t.name}'s HTML body`);
    const text = fillTemplate(t.text, values, false, `template ${t.name}'s text`).trim();
    for (const [part, body] of [['HTML body', html], ['text', text]]) {
      if (!body.includes(CODE_PARAMETER)) fail(`the ${part} of template ${t.name} lacks the code placeholder ({{code}}, Cognito's ${CODE_PARAMETER}): Cognito would not send it`);
      if (invitation && !body.includes(USERNAME_PARAMETER)) fail(`the ${part} of template ${t.name} lacks the username placeholder ({{username}}, Cognito's ${USERNAME_PARAMETER}), which an invitation must carry`);
    }
    // The sizes with the longest values the function can meet (Cognito counts the code in).
    const worst = { ...values, code: invitation ? WORST_TEMPORARY_PASSWORD : WORST_CODE, username: invitation ? WORST_USERNAME : undefined, email: WORST_EMAIL };
    const size = (s: string) => [...s].length;
    const worstHtml = size(fillTemplate(t.html, worst, true, t.name));
    if (worstHtml > limits.emailMessage) fail(`the HTML body of template ${t.name} can reach ${worstHtml} characters; Cognito takes at most ${limits.emailMessage}`);
    if (subject.length === 0 || size(subject) > limits.emailSubject) fail(`the subject of template ${t.name} is ${size(subject)} characters with this productName; Cognito takes 1 to ${limits.emailSubject}`);
    const worstText = size(fillTemplate(t.text, worst, false, t.name).trim());
    if (worstText > limits.smsMessage || size(text) > limits.smsMessage) {
      fail(`the text of template ${t.name} can reach ${worstText} characters with this productName; an SMS takes at most ${limits.smsMessage} (shorten productName)`);
    }
  }
  return JSON.stringify({ productName, ...(signInUrl !== undefined ? { signInUrl } : {}), ...(supportUrl !== undefined ? { supportUrl } : {}) });
}
