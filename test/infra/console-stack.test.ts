// ConsoleStack assertions: the admin console (docs/protocol/extensions.md §9) is a private bucket behind CloudFront (OAC), its built files are deployed at synth, /api/* goes uncached to the HTTP API, and the stack output is the console URL.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { CONSOLE_CSP } from '../../infra/constructs/admin-console.js';
import { synthLairChat } from './synth.js';

/** Managed policy ids (AWS CloudFront developer guide, "Use managed cache/origin request policies"). */
const CACHING_DISABLED = '4135ea2d-6df8-44a3-9df3-4b5a84be39ad';
const ALL_VIEWER_EXCEPT_HOST = 'b689b0a8-53d0-40ab-baf2-68738e2966ac';

describe('ConsoleStack', () => {
  const { app, stacks } = synthLairChat();
  const assembly = app.synth();
  const template = Template.fromStack(stacks.console);

  it('keeps the console bucket private, encrypted and TLS-only, read by CloudFront through OAC only', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: Match.objectLike({}),
      LoggingConfiguration: Match.objectLike({ LogFilePrefix: 'console-bucket/' }),
    });
    template.resourceCountIs('AWS::CloudFront::OriginAccessControl', 1);
    const policies = Object.values(template.findResources('AWS::S3::BucketPolicy'));
    const statements = policies.flatMap(
      (p) => p.Properties.PolicyDocument.Statement as Record<string, any>[],
    );
    expect(statements).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Effect: 'Allow', Principal: { Service: 'cloudfront.amazonaws.com' } }),
        expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      ]),
    );
  });

  it('serves the console by default and forwards /api/* uncached to the HTTP API without the Host header', () => {
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        Logging: Match.objectLike({ Prefix: 'cloudfront/' }),
        DefaultCacheBehavior: Match.objectLike({
          ViewerProtocolPolicy: 'redirect-to-https',
          CachePolicyId: CACHING_DISABLED,
          FunctionAssociations: [Match.objectLike({ EventType: 'viewer-request' })],
        }),
        CacheBehaviors: [
          Match.objectLike({
            PathPattern: '/api/*',
            ViewerProtocolPolicy: 'https-only',
            CachePolicyId: CACHING_DISABLED,
            OriginRequestPolicyId: ALL_VIEWER_EXCEPT_HOST,
          }),
        ],
      }),
    });
    const [dist] = Object.values(template.findResources('AWS::CloudFront::Distribution'));
    expect(dist!.Properties.DistributionConfig.CacheBehaviors[0].AllowedMethods).toEqual(
      expect.arrayContaining(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']),
    );
    const origins = dist!.Properties.DistributionConfig.Origins as Record<string, any>[];
    const api = origins.find((o) => o.CustomOriginConfig !== undefined);
    expect(api!.CustomOriginConfig.OriginProtocolPolicy).toBe('https-only');
    // The host name is cut from the API stack's endpoint (an import, not a literal).
    expect(JSON.stringify(api!.DomainName)).toContain('Fn::ImportValue');
    template.hasResourceProperties('AWS::CloudFront::ResponseHeadersPolicy', {
      ResponseHeadersPolicyConfig: Match.objectLike({
        SecurityHeadersConfig: Match.objectLike({
          ContentSecurityPolicy: { ContentSecurityPolicy: CONSOLE_CSP, Override: true },
        }),
      }),
    });
  });

  it('rewrites /admin and /admin/ to the page', () => {
    const [fn] = Object.values(template.findResources('AWS::CloudFront::Function'));
    const code = String(fn!.Properties.FunctionCode);
    expect(code).toContain("r.uri === '/admin/'");
    expect(code).toContain("'/admin/index.html'");
  });

  it('deploys the four built console files, synthesized offline into cdk.out', () => {
    template.resourceCountIs('Custom::CDKBucketDeployment', 1);
    const [deploy] = Object.values(template.findResources('Custom::CDKBucketDeployment'));
    expect(deploy!.Properties.SourceObjectKeys).toHaveLength(4);
    // Source.data assets: each staged in cdk.out as asset.<hash>/ holding one admin/<file>.
    const staged = (deploy!.Properties.SourceObjectKeys as string[]).flatMap((key) =>
      readdirSync(join(assembly.directory, `asset.${key.replace(/\.zip$/, '')}`), { recursive: true }).map(
        String,
      ),
    );
    expect(staged).toEqual(
      expect.arrayContaining(['app.js', 'index.html', 'style.css', 'uplot.css'].map((f) => join('admin', f))),
    );
  });

  it('outputs the console URL', () => {
    template.hasOutput('AdminConsoleUrl', {
      Value: { 'Fn::Join': ['', ['https://', Match.anyValue(), '/admin']] },
    });
  });
});
