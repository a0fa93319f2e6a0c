// The web admin console in AWS (docs/protocol/extensions.md §9): the built console/ files in a private S3 bucket behind one CloudFront distribution that also forwards /api/* to the HTTP API, so the console stays same-origin as on `npm start`.
import { Duration, Fn, Stack, type RemovalPolicy } from 'aws-cdk-lib';
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  Function as CfFunction,
  FunctionCode,
  FunctionEventType,
  FunctionRuntime,
  HeadersFrameOption,
  HttpVersion,
  OriginProtocolPolicy,
  OriginRequestPolicy,
  PriceClass,
  ResponseHeadersPolicy,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin, S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { Bucket, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { secureBucketProps } from './secure-bucket.js';
import { Construct, type IConstruct } from 'constructs';
import { buildConsoleFiles, CONSOLE_CSP } from '../../local/console-routes.js';

export { CONSOLE_CSP };

/** The BucketDeployment's handler function (one per stack, aws-cdk-lib's SingletonFunction), for nag acknowledgements. */
export function bucketDeploymentHandler(scope: Construct): IConstruct | undefined {
  return Stack.of(scope).node.children.find((c) => c.node.id.startsWith('Custom::CDKBucketDeployment'));
}

/** Props of {@link AdminConsole}. */
export interface AdminConsoleProps {
  /** The HTTP API's endpoint URL (`https://<id>.execute-api.<region>.amazonaws.com`). */
  readonly apiEndpoint: string;
  /** RETAIN (production) or DESTROY (dev stages). */
  readonly removalPolicy: RemovalPolicy;
}

/**
 * Bucket (private, SSE-S3, TLS only, access logs) holding `admin/index.html`, `admin/app.js`,
 * `admin/style.css`, `admin/uplot.css` — built at synth by {@link buildConsoleFiles} (esbuild, no
 * network) and uploaded by a BucketDeployment (no invalidation: the behaviours cache nothing).
 * CloudFront reads the bucket through Origin Access Control only; `/`, `/admin` and `/admin/` are
 * rewritten to the page by a viewer-request CloudFront Function; `/api/*` goes uncached to the HTTP
 * API with every viewer header but Host (AWS's managed policy for API Gateway origins; managed
 * all-viewer policies forward `Authorization`).
 */
export class AdminConsole extends Construct {
  public readonly bucket: Bucket;
  /** Access logs of the bucket (`console-bucket/`) and of the distribution (`cloudfront/`), 90 days. */
  public readonly logs: Bucket;
  public readonly distribution: Distribution;
  public readonly deployment: BucketDeployment;

  public constructor(scope: Construct, id: string, props: AdminConsoleProps) {
    super(scope, id);
    const secure = secureBucketProps(props.removalPolicy);
    // CloudFront standard logs are written with ACLs (object writer); S3 server access logs go here too.
    this.logs = new Bucket(this, 'Logs', {
      ...secure,
      objectOwnership: ObjectOwnership.OBJECT_WRITER,
      lifecycleRules: [{ id: 'ExpireLogs', expiration: Duration.days(90) }],
    });
    this.bucket = new Bucket(this, 'Bucket', {
      ...secure,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: this.logs,
      serverAccessLogsPrefix: 'console-bucket/',
    });
    const page = new CfFunction(this, 'PageRewrite', {
      runtime: FunctionRuntime.JS_2_0,
      comment: 'Lair Chat console: /, /admin and /admin/ serve /admin/index.html',
      code: FunctionCode.fromInline(
        "function handler(event) { var r = event.request; if (r.uri === '/' || r.uri === '/admin' || r.uri === '/admin/') r.uri = '/admin/index.html'; return r; }",
      ),
    });
    const headers = new ResponseHeadersPolicy(this, 'Headers', {
      comment: 'Lair Chat console security headers',
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: CONSOLE_CSP, override: true },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        strictTransportSecurity: { accessControlMaxAge: Duration.days(365), override: true },
      },
    });
    // `https://<id>.execute-api.<region>.amazonaws.com` -> its host name (works on the token).
    const apiHost = Fn.select(2, Fn.split('/', props.apiEndpoint));
    this.distribution = new Distribution(this, 'Distribution', {
      comment: 'Lair Chat admin console (/admin) and API (/api/*)',
      httpVersion: HttpVersion.HTTP2_AND_3,
      priceClass: PriceClass.PRICE_CLASS_100,
      enableLogging: true,
      logBucket: this.logs,
      logFilePrefix: 'cloudfront/',
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        // Never cached, like the local server's `cache-control: no-cache`: a deploy shows at once.
        cachePolicy: CachePolicy.CACHING_DISABLED,
        responseHeadersPolicy: headers,
        functionAssociations: [{ function: page, eventType: FunctionEventType.VIEWER_REQUEST }],
      },
      additionalBehaviors: {
        '/api/*': {
          origin: new HttpOrigin(apiHost, { protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY }),
          viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
          allowedMethods: AllowedMethods.ALLOW_ALL,
          cachePolicy: CachePolicy.CACHING_DISABLED,
          originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
        },
      },
    });
    const files = [...buildConsoleFiles()].map(([path, [, body]]) =>
      Source.data(path.slice(1), body.toString('utf8')),
    );
    this.deployment = new BucketDeployment(this, 'Deploy', {
      sources: files,
      destinationBucket: this.bucket,
      // No invalidation needed (nothing is cached), so the handler gets no cloudfront:* on "*".
      prune: true,
      memoryLimit: 256,
    });
  }
}
