import { Template } from 'aws-cdk-lib/assertions';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { customMessagesEnv, escapeHtml, loadMessageTemplates, MessageTemplates } from '../../lib/custom-messages';
import { loadTriggerDefinitions } from '../../lib/trigger-definition';
import { appFromContext, logicalId, resourcesOf, stackWith } from './helpers';

// customMessages turns on the custom message trigger: the pool's LambdaConfig CustomMessage names a function on the routes'
// asset with CUSTOM_MESSAGES; every template of cdk/messages.json is held at synth to what Cognito needs of a message (the
// code placeholder, the invitation's user name, the sizes), with the prop's values; a pool on Cognito's default sender is
// refused (Cognito refuses a trigger's email there: InvalidLambdaResponseException).
const SES = cognito.UserPoolEmail.withSES({ fromEmail: 'no-reply@example.com', sesRegion: 'us-east-1' });
const OPTIONS = { productName: 'Acme Notes', signInUrl: 'https://notes.example.com/sign-in', supportUrl: 'https://notes.example.com/help' };
const SOURCES = loadTriggerDefinitions().triggers.find((t) => t.name === 'customMessage')!.triggerSources;
const TEMPLATES = loadMessageTemplates();

/** The repository's templates with template `name` changed. */
function changed(name: string, change: (t: MessageTemplates['templates'][number]) => Partial<MessageTemplates['templates'][number]>): MessageTemplates {
  return { ...TEMPLATES, templates: TEMPLATES.templates.map((t) => (t.name === name ? { ...t, ...change(t) } : t)) };
}

describe('customMessages turns on the custom message trigger', () => {
  const stack = stackWith({ email: SES, customMessages: OPTIONS });
  const t = Template.fromStack(stack);
  const trigger = stack.authApi.triggers.find((x) => x.definition.name === 'customMessage')!;
  const fnId = logicalId(stack, trigger.function);
  const fn = t.toJSON().Resources[fnId];

  test('one function on the routes\' asset as COGNITO_TRIGGER=customMessage, with the product name and links', () => {
    expect(stack.authApi.triggers.map((x) => x.definition.name)).toEqual(['customMessage']);
    expect(fn.Properties.Environment.Variables).toEqual({ COGNITO_TRIGGER: 'customMessage', CUSTOM_MESSAGES: JSON.stringify(OPTIONS) });
    expect(fn.Properties.Timeout).toBe(5);
  });

  test('the pool\'s LambdaConfig names it, and its role writes its own logs and nothing else', () => {
    const pool = resourcesOf(t, 'AWS::Cognito::UserPool')[0][1];
    expect(pool.Properties.LambdaConfig).toEqual({ CustomMessage: { 'Fn::GetAtt': [fnId, 'Arn'] } });
    expect(pool.Properties.EmailConfiguration.EmailSendingAccount).toBe('DEVELOPER');
    const role = t.toJSON().Resources[fn.Properties.Role['Fn::GetAtt'][0]];
    expect(role.Properties.Policies.map((p: any) => p.PolicyName)).toEqual(['Logs']);
    expect(trigger.cognitoPolicy).toBeUndefined();
  });
});

test('off by default: no custom message trigger', () => {
  expect(stackWith({ email: SES }).authApi.triggers).toEqual([]);
});

test('a pool on Cognito\'s default sender is refused with the fix', () => {
  expect(() => stackWith({ customMessages: OPTIONS })).toThrow(/customMessages needs the pool to send email through Amazon SES.*Fix: set email: cognito\.UserPoolEmail\.withSES/s);
});

test('the context key customMessages (JSON)', () => {
  const { stacks } = appFromContext({ customMessages: JSON.stringify({ productName: 'Acme' }), sesFromEmail: 'no-reply@example.com' }, false);
  const [trigger] = stacks.api.authApi.triggers;
  expect(trigger.definition.name).toBe('customMessage');
  const fn = Template.fromStack(stacks.api).toJSON().Resources[logicalId(stacks.api, trigger.function)];
  expect(JSON.parse(fn.Properties.Environment.Variables.CUSTOM_MESSAGES)).toEqual({ productName: 'Acme' });
});

test('every template of the repository passes with the longest product name, and without links', () => {
  expect(customMessagesEnv({ productName: 'N'.repeat(64), signInUrl: 'https://x.example/' + 'p'.repeat(900) }, SOURCES, TEMPLATES)).toBeDefined();
  expect(customMessagesEnv({ productName: 'Acme' }, SOURCES, TEMPLATES)).toBe('{"productName":"Acme"}');
  expect(customMessagesEnv(undefined, SOURCES, TEMPLATES)).toBeUndefined();
});

test('a template without the code placeholder, or an invitation without the user name\'s, fails synth', () => {
  const bad: [MessageTemplates, RegExp][] = [
    [changed('signUp', (x) => ({ html: x.html.replace('{{code}}', '') })), /the HTML body of template signUp lacks the code placeholder/],
    [changed('forgotPassword', (x) => ({ text: x.text.replace('{{code}}', 'soon') })), /the text of template forgotPassword lacks the code placeholder/],
    [changed('signInCode', (x) => ({ html: x.html.replace('{{code}}', '{{supportUrl}}') })), /template signInCode lacks the code placeholder/],
    [changed('invitation', (x) => ({ html: x.html.replace('{{username}}', 'you') })), /the HTML body of template invitation lacks the username placeholder/],
    [changed('invitation', (x) => ({ text: x.text.replace('{{username}}', 'you') })), /the text of template invitation lacks the username placeholder/],
    [changed('verifyEmail', (x) => ({ html: x.html.replace('{{code}}', '{{cod}}') })), /unknown placeholder \{\{cod\}\}/],
    [changed('resendCode', () => ({ subject: '{{productName' })), /not closed/],
    [changed('signUp', (x) => ({ html: x.html + 'x'.repeat(20000) })), /template signUp can reach \d+ characters; Cognito takes at most 20000/],
    [{ ...TEMPLATES, templates: TEMPLATES.templates.filter((x) => x.name !== 'signInCode') }, /CustomMessage_Authentication has 0 templates/],
  ];
  for (const [templates, re] of bad) expect(() => customMessagesEnv(OPTIONS, SOURCES, templates)).toThrow(re);
});

test('values the function would refuse fail synth', () => {
  const bad: [any, RegExp][] = [
    [{ productName: '' }, /productName must be 1 to 64/],
    [{ productName: 'P'.repeat(65) }, /productName must be 1 to 64/],
    [{ productName: 'Acme {####}' }, /without braces/],
    [{ productName: ' Acme' }, /surrounding spaces/],
    [{ productName: 'Acme', signInUrl: 'http://notes.example.com' }, /signInUrl must be an https:\/\/ URL/],
    [{ productName: 'Acme', supportUrl: 'javascript:alert(1)' }, /supportUrl must be an https:\/\/ URL/],
    [{ productName: 'Acme', supportUrl: 'https://x.example/"><script>' }, /supportUrl must be an https:\/\/ URL/],
  ];
  for (const [o, re] of bad) expect(() => customMessagesEnv(o, SOURCES, TEMPLATES)).toThrow(re);
});

test('a product name with HTML is escaped as the function escapes it', () => {
  // lambda/auth-api/tests/custom_message.rs holds the function to the same output.
  expect(escapeHtml(`Acme <Notes> & Co's {####}"`)).toBe('Acme &lt;Notes&gt; &amp; Co&#x27;s &#123;####&#125;&quot;');
});
