// DataStack assertions: the CDK table is tableDefinition() key for key, plus TTL, PITR, stream; RETAIN and deletion protection in prod only.
import { Match, Template } from 'aws-cdk-lib/assertions';
import { ATTR, DEFAULT_TABLE_NAME, tableDefinition } from '../../shared/storage/table.js';
import { translateTableDefinition } from '../../infra/constructs/table-props.js';
import { synthLairChat, TEST_STAGE } from './synth.js';

describe('DataStack', () => {
  const tableName = `${DEFAULT_TABLE_NAME}-${TEST_STAGE}`;
  const def = tableDefinition(tableName);
  let template: Template;

  beforeAll(() => {
    template = Template.fromStack(synthLairChat().stacks.data);
  });

  it('declares exactly one on-demand table, deleted with a dev stage', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Delete',
      Properties: Match.objectLike({ BillingMode: 'PAY_PER_REQUEST' }),
    });
    const [table] = Object.values(template.findResources('AWS::DynamoDB::Table'));
    expect(table!.Properties.DeletionProtectionEnabled).toBe(false);
  });

  it('uses the key schema, attribute types and billing mode of tableDefinition()', () => {
    const attrs = def.AttributeDefinitions ?? [];
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      TableName: tableName,
      BillingMode: def.BillingMode,
      KeySchema: def.KeySchema,
      AttributeDefinitions: Match.arrayWith(attrs.map((a) => Match.objectEquals({ ...a }))),
    });
    const [table] = Object.values(template.findResources('AWS::DynamoDB::Table'));
    expect(table!.Properties.AttributeDefinitions).toHaveLength(attrs.length);
  });

  it('has every GSI of tableDefinition() with its keys and projection ALL, and no other', () => {
    const gsis = def.GlobalSecondaryIndexes ?? [];
    expect(gsis.length).toBeGreaterThan(0);
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      GlobalSecondaryIndexes: Match.arrayWith(
        gsis.map((g) =>
          Match.objectLike({
            IndexName: g.IndexName,
            KeySchema: g.KeySchema,
            Projection: { ProjectionType: 'ALL' },
          }),
        ),
      ),
    });
    const [table] = Object.values(template.findResources('AWS::DynamoDB::Table'));
    expect(table!.Properties.GlobalSecondaryIndexes).toHaveLength(gsis.length);
  });

  it('enables TTL on ATTR.ttl, the NEW_AND_OLD_IMAGES stream and point-in-time recovery', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      TimeToLiveSpecification: { AttributeName: ATTR.ttl, Enabled: true },
      StreamSpecification: { StreamViewType: def.StreamSpecification?.StreamViewType },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    });
    expect(def.StreamSpecification?.StreamViewType).toBe('NEW_AND_OLD_IMAGES');
  });

  it('generates a 64-character JWT secret, deleted with a dev stage', () => {
    template.hasResource('AWS::SecretsManager::Secret', {
      DeletionPolicy: 'Delete',
      Properties: Match.objectLike({ GenerateSecretString: Match.objectLike({ PasswordLength: 64 }) }),
    });
  });
});

describe('DataStack (prod)', () => {
  let template: Template;

  beforeAll(() => {
    template = Template.fromStack(synthLairChat('prod').stacks.data);
  });

  it('protects the table from deletion and retains it on delete and replace', () => {
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({
        TableName: `${DEFAULT_TABLE_NAME}-prod`,
        DeletionProtectionEnabled: true,
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      }),
    });
  });

  it('retains the generated JWT secret', () => {
    template.hasResource('AWS::SecretsManager::Secret', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });
});

describe('translateTableDefinition', () => {
  it('rejects definitions CDK props here cannot express', () => {
    const def = tableDefinition('t');
    expect(() => translateTableDefinition({ ...def, BillingMode: 'PROVISIONED' })).toThrow(/PAY_PER_REQUEST/);
    expect(() => translateTableDefinition({ ...def, KeySchema: [] })).toThrow(/HASH/);
    expect(() =>
      translateTableDefinition({
        ...def,
        AttributeDefinitions: [{ AttributeName: ATTR.pk, AttributeType: 'S' }],
      }),
    ).toThrow(/attribute type/);
  });
});

describe('DataStack attachments bucket (extensions.md §1.7)', () => {
  const { stacks } = synthLairChat();
  const template = Template.fromStack(stacks.data);
  const api = Template.fromStack(stacks.api);

  it('is private, SSE-S3, TLS-only, expires pending/ after a day and allows browser PUT/GET', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketName: Match.anyValue(),
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      LifecycleConfiguration: {
        Rules: Match.arrayWith([
          Match.objectLike({
            Id: 'ExpireUnattachedUploads',
            Prefix: 'pending/',
            ExpirationInDays: 1,
            Status: 'Enabled',
          }),
        ]),
      },
      CorsConfiguration: {
        CorsRules: [Match.objectLike({ AllowedMethods: ['PUT', 'GET'], AllowedOrigins: ['*'] })],
      },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('grants only GetObject/PutObject on its objects to the attachments, messages and history functions and the export worker, and names it in their env', () => {
    const policies = Object.values(api.findResources('AWS::IAM::Policy'));
    const withObjects = policies.filter((p) =>
      JSON.stringify(p.Properties.PolicyDocument).includes('"Sid":"AttachmentObjects"'),
    );
    expect(withObjects).toHaveLength(4);
    for (const p of withObjects) {
      const st = (p.Properties.PolicyDocument.Statement as { Sid?: string; Action: unknown }[]).find(
        (x) => x.Sid === 'AttachmentObjects',
      );
      expect(st?.Action).toEqual(['s3:GetObject', 's3:PutObject']);
    }
    const fns = Object.values(api.findResources('AWS::Lambda::Function')).filter(
      (f) => f.Properties.Environment?.Variables?.LAIR_ATTACHMENTS_BUCKET !== undefined,
    );
    expect(fns).toHaveLength(4);
  });
});
