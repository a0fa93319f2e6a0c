// cdk-nag assertions: the AwsSolutions pack finds nothing unacknowledged in any stack of any stage, and every acknowledgement is used and explained.
import { App, Validations, type Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { stageConfig, STAGES } from '../../infra/config.js';
import { createLairChatStacks } from '../../infra/lair-chat.js';
import { NAG_REASONS, RESOURCE_STAR_ONLY_ACTIONS } from '../../infra/nag.js';
import { synthLairChat } from './synth.js';

/** `ruleName @ construct path` for every finding of the AwsSolutions pack in `stack`. */
function findings(stack: Stack): string[] {
  return new AwsSolutionsChecks()
    .validateScope(stack)
    .violations.flatMap((v) =>
      v.violatingResources.map((r) => `${v.severity} ${v.ruleName} @ ${r.constructPath}`),
    );
}

/** Every AwsSolutions acknowledgement recorded under `scope` (aws-cdk-lib records some of its own): rule id -> reasons. */
function acknowledgements(scope: IConstruct): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const c of scope.node.findAll())
    for (const entry of c.node.metadata)
      if (entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
        for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) {
          const ruleId = id.replace(/^annotation::/i, '');
          if (!ruleId.startsWith('AwsSolutions-')) continue;
          out.set(ruleId, [...(out.get(ruleId) ?? []), reason]);
        }
  return out;
}

describe.each(Object.keys(STAGES))('cdk-nag AwsSolutions (%s)', (stage) => {
  const { app, stacks } = synthLairChat(stage);
  // Checked after synthesis, as `cdk synth` does: cross-stack references are exports by then.
  app.synth();

  it.each(['data', 'relay', 'api', 'observability', 'console'] as const)(
    'finds no unacknowledged error or warning in the %s stack',
    (name) => {
      expect(findings(stacks[name])).toEqual([]);
    },
  );

  it('acknowledges only findings that occur without the acknowledgement', () => {
    const bare = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const bareStacks = Object.values(createLairChatStacks(bare, { config: stageConfig(stage) }));
    bare.synth();
    const raw = new Set(bareStacks.flatMap((s) => findings(s).map((f) => f.split(' ')[1])));
    const acknowledged = new Map<string, string[]>();
    for (const s of Object.values(stacks))
      for (const [id, reasons] of acknowledgements(s))
        acknowledged.set(id, [...(acknowledged.get(id) ?? []), ...reasons]);
    expect(acknowledged.size).toBeGreaterThan(0);
    for (const id of acknowledged.keys()) expect(raw).toContain(id);
  });

  it('gives every acknowledgement a written reason from infra/nag.ts', () => {
    const reasons = new Set<string>(Object.values(NAG_REASONS));
    for (const s of Object.values(stacks))
      for (const [id, given] of acknowledgements(s))
        for (const reason of given) {
          expect(reason.length).toBeGreaterThan(60);
          expect({ id, known: reasons.has(reason) }).toEqual({ id, known: true });
        }
  });
});

describe('cdk-nag acknowledgements stay narrow', () => {
  it('are made per construct, so a new resource with an acknowledged problem is still reported', () => {
    const { stacks } = synthLairChat();
    new Queue(stacks.api, 'Unacknowledged');
    expect(findings(stacks.api)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/AwsSolutions-SQS3 @ LairChat-dev-Api\/Unacknowledged\//),
      ]),
    );
  });

  it.each(Object.keys(STAGES))(
    'back the Resource "*" acknowledgement: only actions without resource-level permissions are unscoped (%s)',
    (stage) => {
      const { stacks } = synthLairChat(stage);
      const unscoped = new Set<string>();
      for (const stack of Object.values(stacks)) {
        const resources = Template.fromStack(stack).toJSON().Resources as Record<
          string,
          { Type: string; Properties: any }
        >;
        for (const r of Object.values(resources)) {
          const documents =
            r.Type === 'AWS::IAM::Policy'
              ? [r.Properties.PolicyDocument]
              : r.Type === 'AWS::IAM::Role'
                ? (r.Properties.Policies ?? []).map((p: { PolicyDocument: unknown }) => p.PolicyDocument)
                : [];
          for (const doc of documents)
            for (const st of doc.Statement as { Action: string | string[]; Resource: unknown }[])
              if ([st.Resource].flat().includes('*')) for (const a of [st.Action].flat()) unscoped.add(a);
        }
      }
      expect(unscoped.size).toBeGreaterThan(0);
      for (const action of unscoped) expect(RESOURCE_STAR_ONLY_ACTIONS).toContain(action);
    },
  );
});
