#!/usr/bin/env python3
"""Builds data/catalog/ from the reference data in ../shared/reference.

Only facts are taken from the reference (codes, fields, values, relations, control ids and
official short names); descriptions are written here. The build never runs this script: its
output is committed. Run: python3 scripts/gen_catalog.py [REFERENCE_DIR]
"""
import csv
import difflib
import json
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REF = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "..", "shared", "reference")
OUT = os.path.join(ROOT, "data", "catalog")
HANGUL = re.compile("[\uac00-\ud7a3]")

# --- mapping codes ------------------------------------------------------------------------------
CATEGORY_EN = {
    "1": "Access control / RBAC / IAM", "2": "Encryption / KMS / TLS at rest and in transit",
    "3": "Logging / audit / record integrity", "4": "Retention / disposal / re-identification",
    "5": "Data quality / provenance / lineage", "6": "Model and deployment integrity",
    "7": "Monitoring / thresholds / time sync", "8": "Network / VPC / public exposure",
    "9": "Backup / recovery / DR", "10": "Secrets and credentials",
    "11": "Environment separation / masking", "12": "Data transfer / third-party provision",
    "13": "Multi-tenant isolation", "14": "Labelling / human in the loop",
    "15": "Retraining triggers / loops", "16": "Change and configuration management / CI-CD",
}
# code: (severity, iam actions, how it is checked, compliant, non-compliant, console fix)
CODES = {
 "1.0-01": ("high", ["sso:ListInstances", "sso:ListPermissionSets", "sso:DescribePermissionSet", "sso:ListManagedPoliciesInPermissionSet", "sso:GetInlinePolicyForPermissionSet", "sso:ListCustomerManagedPolicyReferencesInPermissionSet", "sso:GetPermissionsBoundaryForPermissionSet", "iam:GetPolicy", "iam:GetPolicyVersion", "ec2:DescribeRegions"], "Permission sets are few and least-privilege: no administrator rights (AWS managed, inline or referenced customer managed policy, NotAction included) not capped by a permissions boundary, outside the allowlist", "only least-privilege permission sets", "missing or excessive permission sets", "Remove excess permissions from permission sets and assign only the groups that need them"),
 "1.0-02": ("high", ["organizations:ListPolicies", "organizations:DescribeOrganization"], "Service control policies are enabled and attached", "a SERVICE_CONTROL_POLICY exists", "no SCP applied", "Create an SCP and attach it to the OUs or accounts"),
 "1.0-03": ("high", ["iam:GenerateCredentialReport", "iam:GetCredentialReport"], "MFA and access key usage per IAM user from the credential report", "MFA active / key used within 90 days", "no MFA, or key unused for long", "Deactivate or delete stale access keys and enable MFA for each user"),
 "1.0-04": ("medium", ["iam:GetAccountPasswordPolicy"], "Password policy complexity and expiry", ">=8, true", "too short or too simple", "Edit the account password policy"),
 "1.0-05": ("medium", ["access-analyzer:ListAnalyzers", "organizations:DescribeOrganization"], "An IAM Access Analyzer for external sharing is active", "ACTIVE", "INACTIVE", "Create an analyzer in IAM Access Analyzer"),
 "1.0-06": ("critical", ["iam:GetAccountSummary"], "The root user has MFA", "1", "0", "Enable MFA for the root user under its security credentials"),
 "2.0-01": ("high", ["s3:ListAllMyBuckets", "s3:GetEncryptionConfiguration"], "Default bucket encryption uses SSE-KMS", "aws:kms", "AES256 / none", "Set the bucket default encryption to SSE-KMS"),
 "2.0-02": ("high", ["rds:DescribeDBInstances"], "DB instance storage is encrypted", "TRUE", "FALSE", "Copy a snapshot with encryption and restore a new instance from it"),
 "2.0-03": ("high", ["dynamodb:ListTables", "dynamodb:DescribeTable"], "Table server-side encryption status", "ENABLED", "DISABLED", "Choose a KMS key under the table's encryption settings"),
 "2.0-04": ("high", ["redshift:DescribeClusters"], "Cluster encryption at rest with KMS", "TRUE", "FALSE", "Restore a new encrypted cluster from a snapshot"),
 "2.0-05": ("high", ["es:ListDomainNames", "es:DescribeDomain"], "Domain encryption at rest", "TRUE", "FALSE", "Not changeable in place: create a new domain and migrate"),
 "2.0-06": ("medium", ["es:ListDomainNames", "es:DescribeDomain"], "Node-to-node encryption of the domain", "TRUE", "FALSE", "Not changeable in place: create a new domain and migrate"),
 "2.0-07": ("high", ["eks:ListClusters", "eks:DescribeCluster"], "Kubernetes secrets are envelope-encrypted with KMS", "present", "absent", "Enable secrets encryption on the cluster"),
 "2.0-08": ("high", ["elasticache:DescribeReplicationGroups"], "Replication group encryption in transit and at rest", "TRUE", "FALSE", "Create a new cluster with encryption turned on"),
 "2.0-09": ("high", ["elasticloadbalancing:DescribeLoadBalancers", "elasticloadbalancing:DescribeListeners"], "Listeners use HTTPS with a current TLS policy", "HTTPS, current policy", "HTTP / not set", "Add an HTTPS listener with an ACM certificate"),
 "2.0-10": ("medium", ["kinesis:ListStreams", "kinesis:DescribeStreamSummary"], "Stream server-side encryption with KMS", "KMS", "NONE", "Edit the stream and enable KMS encryption"),
 "2.0-11": ("medium", ["sqs:ListQueues", "sqs:GetQueueAttributes"], "Queue has a KMS key attached", "present", "absent", "Configure server-side encryption on the queue"),
 "2.0-12": ("medium", ["sns:ListTopics", "sns:GetTopicAttributes"], "Topic has a KMS key attached", "present", "absent", "Configure server-side encryption on the topic"),
 "2.0-13": ("high", ["elasticfilesystem:DescribeFileSystems"], "File system was created encrypted", "TRUE", "FALSE", "Not changeable in place: create an encrypted file system and migrate the data"),
 "2.0-14": ("high", ["kafka:ListClustersV2", "kafka:DescribeCluster"], "Encryption at rest and in transit, client authentication", "configured", "not configured", "Review the cluster security settings and redeploy"),
 "2.0-15": ("high", ["cloudfront:ListDistributions"], "Viewers are forced to HTTPS", "redirect-to-https / https-only", "allow-all", "Set the behaviour's viewer protocol policy to redirect HTTP to HTTPS"),
 "2.0-16": ("medium", ["kms:ListKeys", "kms:DescribeKey", "kms:GetKeyRotationStatus"], "Automatic rotation of customer managed keys", "TRUE", "FALSE", "Enable automatic key rotation"),
 "3.0-01": ("high", ["cloudtrail:DescribeTrails", "cloudtrail:GetTrailStatus"], "A multi-region trail with log file validation", "TRUE, TRUE", "any FALSE", "Edit the trail: multi-region and log file validation on"),
 "3.0-02": ("medium", ["cloudtrail:DescribeTrails", "cloudtrail:GetEventSelectors"], "S3 and Lambda data events are recorded", "AWS::S3::Object / AWS::Lambda::Function", "not recorded", "Add data events to the trail's event selectors"),
 "3.0-03": ("medium", ["config:DescribeConfigurationRecorderStatus"], "The configuration recorder is recording", "TRUE", "FALSE", "Start the configuration recorder"),
 "3.0-04": ("medium", ["logs:DescribeLogGroups"], "Log groups have a retention period", ">=30", "0 / not set", "Edit the log group retention"),
 "3.0-05": ("medium", ["ec2:DescribeVpcs", "ec2:DescribeFlowLogs"], "VPC traffic is captured by flow logs", "present", "absent", "Create a flow log for the VPC, subnet or ENI"),
 "3.0-06": ("medium", ["eks:ListClusters", "eks:DescribeCluster"], "Control plane api/audit logging is on", "TRUE", "FALSE", "Update the cluster logging configuration"),
 "3.0-07": ("low", ["elasticloadbalancing:DescribeLoadBalancers", "elasticloadbalancing:DescribeLoadBalancerAttributes"], "Load balancer access logs are delivered to S3", "TRUE", "FALSE", "Edit the load balancer attributes and enable access logs"),
 "3.0-08": ("low", ["cloudfront:ListDistributions", "cloudfront:GetDistributionConfig"], "Standard or real-time logging of the distribution", "TRUE", "FALSE", "Enable logging to an S3 bucket"),
 "3.0-09": ("low", ["ec2:DescribeVpcs", "route53resolver:ListResolverQueryLogConfigAssociations"], "Each VPC has an ACTIVE Resolver query-log association", "ACTIVE", "none / CREATING / FAILED", "Create a query log configuration and associate it with the VPC"),
 "3.0-10": ("medium", ["s3:ListAllMyBuckets", "s3:GetBucketLocation", "s3:GetBucketVersioning", "s3:GetBucketLogging", "cloudtrail:DescribeTrails", "elasticloadbalancing:DescribeLoadBalancers", "elasticloadbalancing:DescribeLoadBalancerAttributes", "cloudfront:ListDistributions", "cloudfront:GetDistributionConfig", "config:DescribeDeliveryChannels", "ec2:DescribeFlowLogs", "logs:DescribeDeliveries", "logs:DescribeDeliveryDestinations"], "Versioning protects each log bucket: the buckets that trails, S3 access logs, load balancers, CloudFront, AWS Config, flow logs and vended log deliveries write to", "Enabled", "Suspended / none", "Enable versioning on the log bucket"),
 "3.0-11": ("low", ["cloudtrail:ListEventDataStores", "cloudtrail:GetEventDataStore", "cloudtrail:DescribeTrails", "cloudtrail:GetInsightSelectors"], "CloudTrail Lake (an ENABLED event data store) or Insights for long-term analysis and anomalies", "configured", "absent", "Enable an event data store or Insights in the console"),
 "4.0-01": ("medium", ["s3:ListAllMyBuckets", "s3:GetLifecycleConfiguration"], "Expiration or transition lifecycle rules", "Enabled", "absent", "Create a lifecycle rule (for example expiry after 90 days)"),
 "4.0-02": ("medium", ["s3:ListAllMyBuckets", "s3:GetBucketObjectLockConfiguration"], "Write-once retention with Object Lock", "TRUE", "FALSE", "Create a bucket with Object Lock and migrate"),
 "4.0-03": ("low", ["dynamodb:ListTables", "dynamodb:DescribeTimeToLive"], "Time to live is enabled on the table", "ENABLED", "DISABLED", "Enable TTL on the table"),
 "4.0-04": ("medium", ["backup:ListBackupVaults"], "Backup vaults carry a lock / retention policy", "TRUE", "FALSE", "Configure Vault Lock on the vault"),
 "4.0-05": ("medium", ["macie2:GetMacieSession", "macie2:ListClassificationJobs", "macie2:GetAutomatedDiscoveryConfiguration"], "Macie discovers sensitive data where it is enabled: automated discovery or a classification job runs", "automated discovery ENABLED, or a job RUNNING / IDLE / COMPLETE", "Macie enabled with nothing running, or suspended", "Turn on automated sensitive data discovery, or create a classification job for the buckets that hold personal data"),
 "4.0-06": ("medium", ["rds:DescribeDBInstances"], "Automated backup retention period", ">=7", "0 / not set", "Modify the instance and raise the backup retention"),
 "4.0-07": ("low", ["ec2:DescribeVolumes", "dlm:GetLifecyclePolicies", "dlm:GetLifecyclePolicy", "ec2:DescribeInstances", "backup:ListProtectedResources"], "Each EBS volume's snapshots are scheduled by an enabled DLM policy or AWS Backup", "covered", "not covered", "Tag the volume for a DLM policy or assign it to a backup plan"),
 "5.0-01": ("low", ["databrew:ListProjects"], "Data quality profiling projects exist", "present", "absent", "Create a DataBrew project with a profile job"),
 "5.0-02": ("low", ["glue:ListDataQualityRulesets"], "Data quality rulesets are defined", ">=1", "absent", "Create a data quality ruleset"),
 "5.0-03": ("low", ["sagemaker:ListExperiments"], "Experiments and trials are tracked", "present", "absent", "Create an experiment in Studio"),
 "5.0-04": ("low", ["sagemaker:ListFeatureGroups"], "Feature groups are healthy", "Created / Active", "Failed", "Fix the schema and recreate the feature group"),
 "5.0-05": ("low", ["lakeformation:ListLFTags"], "LF-Tags describe provenance and access", "present", "absent", "Create LF-Tags and assign them to resources"),
 "5.0-06": ("low", ["glue:GetDatabases", "glue:GetTables", "glue:GetTable"], "Catalog column schemas match their definition", "matches the definition", "mismatch / missing", "Correct the table schema or recrawl"),
 "5.0-07": ("low", ["athena:ListWorkGroups", "athena:GetWorkGroup"], "Workgroup configuration is enforced and query results are kept", "true, set", "false / not set", "Edit the workgroup: enforce settings and set an output location"),
 "6.0-01": ("low", ["sagemaker:ListEndpoints", "sagemaker:DescribeEndpoint"], "Endpoints are in service", "InService", "Failed", "Update the endpoint with a new configuration"),
 "6.0-02": ("low", ["sagemaker:ListMonitoringSchedules"], "Model monitoring schedules exist", "Scheduled / Active", "absent", "Create a monitoring schedule"),
 "6.0-03": ("medium", ["ecr:DescribeRepositories"], "Images are scanned on push", "true", "false", "Change the repository scanning setting"),
 "6.0-04": ("medium", ["inspector2:BatchGetAccountStatus", "inspector2:ListCoverage", "ec2:DescribeInstances", "ecr:DescribeRepositories", "lambda:ListFunctions"], "Inspector is enabled and actively scans each resource: covered resources are ACTIVE, and no running instance, repository or function is of a type whose scanning is off", "ACTIVE", "INACTIVE / not enabled", "Activate Inspector and fix the reason a resource is not scanned"),
 "6.0-05": ("low", ["sagemaker:ListModelPackageGroups", "sagemaker:ListModelPackages"], "Model packages carry an approval status", "Approved", "Rejected / Pending", "Evaluate the model and apply an approval step"),
 "6.0-06": ("low", ["signer:ListSigningProfiles"], "Code signing profiles exist", "present", "absent", "Create a signing profile"),
 "6.0-07": ("low", ["ecr:DescribeRepositories"], "Image tags are immutable", "IMMUTABLE", "MUTABLE", "Switch the repository to immutable tags"),
 "7.0-01": ("high", ["securityhub:DescribeHub", "securityhub:GetEnabledStandards"], "Security Hub standards are enabled", "present", "absent", "Enable Security Hub and choose standards"),
 "7.0-02": ("high", ["guardduty:ListDetectors", "guardduty:GetDetector"], "A GuardDuty detector is enabled", "present", "absent", "Enable a detector"),
 "7.0-03": ("medium", ["cloudwatch:DescribeAlarms"], "Alarms with enabled alarm actions exist (not auto-created by target tracking)", "present", "absent", "Create alarms with actions (CPU, memory and so on)"),
 "7.0-04": ("low", ["detective:ListGraphs"], "A Detective behaviour graph is active", ">=1", "absent", "Enable Detective"),
 "7.0-05": ("low", ["synthetics:DescribeCanaries"], "Synthetic canaries monitor endpoints", "present", "absent", "Create a canary and connect notifications"),
 "8.0-01": ("critical", ["ec2:DescribeSecurityGroups"], "Inbound rules do not allow 0.0.0.0/0", "absent", "0.0.0.0/0", "Restrict the security group's inbound rules"),
 "8.0-02": ("critical", ["s3:ListAllMyBuckets", "s3:GetBucketPublicAccessBlock", "s3:GetAccountPublicAccessBlock"], "Block Public Access is applied", "TRUE", "FALSE", "Turn on every Block public access setting"),
 "8.0-03": ("medium", ["elasticloadbalancing:DescribeLoadBalancers", "apigateway:GET", "cloudfront:ListDistributions", "cloudfront:GetDistributionConfig", "wafv2:GetWebACLForResource"], "A web ACL is associated with each internet-facing ALB, public REST API stage and CloudFront distribution", "associated", "none", "Create a web ACL and associate it with the ALB, API stage or distribution"),
 "8.0-04": ("low", ["shield:DescribeSubscription"], "Shield Advanced subscription", "present", "absent", "Subscribe to Shield Advanced"),
 "8.0-05": ("low", ["ec2:DescribeVpcs", "route53resolver:ListFirewallRuleGroupAssociations"], "A DNS Firewall rule group is associated with each VPC", "COMPLETE", "none / DELETING", "Create a rule group and associate it with the VPC"),
 "8.0-06": ("low", ["ec2:DescribeVerifiedAccessEndpoints"], "Verified Access endpoints enforce policy", "present", "absent", "Set up Verified Access and apply a policy"),
 "8.0-07": ("medium", ["network-firewall:ListFirewalls"], "A network firewall filters at the boundary", "present", "absent", "Create a firewall and policy and attach them to subnets"),
 "8.0-08": ("medium", ["s3:ListAccessPoints", "s3:GetAccessPoint"], "Access points are VPC-only with public access blocked", "present, blocked", "absent / not VPC-bound", "Fix the access point policy and configuration"),
 "8.0-09": ("medium", ["apigateway:GET"], "REST API endpoints are private or restricted by policy", "PRIVATE", "public EDGE / REGIONAL", "Reconfigure the endpoint as PRIVATE and add a resource policy"),
 "9.0-01": ("medium", ["dynamodb:ListTables", "dynamodb:DescribeContinuousBackups"], "Point-in-time recovery is on", "ENABLED", "DISABLED", "Enable point-in-time recovery"),
 "9.0-02": ("medium", ["rds:DescribeDBInstances"], "Instances are Multi-AZ", "TRUE", "FALSE", "Modify the instance and enable Multi-AZ"),
 "9.0-03": ("medium", ["backup:ListBackupPlans", "backup:GetBackupPlan", "backup:ListCopyJobs"], "Each backup plan copies to another region or account", "copy rule", "none / same region", "Add a copy-to-destination rule to the plan"),
 "9.0-04": ("low", ["s3:ListAllMyBuckets", "s3:GetReplicationConfiguration"], "Cross-region or cross-account replication", "present", "absent", "Create a replication rule"),
 "9.0-05": ("low", ["glacier:ListVaults", "glacier:GetVaultLock"], "Vault Lock enforces write-once retention", "InCompliance", "NotInCompliance / None", "Configure a vault lock policy"),
 "9.0-06": ("medium", ["elasticfilesystem:DescribeFileSystems", "elasticfilesystem:DescribeBackupPolicy"], "Automatic backups of the file system", "ENABLED", "DISABLED", "Enable the backup policy"),
 "9.0-07": ("medium", ["ec2:DescribeVolumes", "dlm:GetLifecyclePolicies", "dlm:GetLifecyclePolicy", "ec2:DescribeInstances", "backup:ListProtectedResources"], "Each EBS volume is backed up by an enabled DLM policy or AWS Backup", "covered", "not covered", "Tag the volume for a DLM policy or assign it to a backup plan"),
 "10.0-01": ("high", ["secretsmanager:ListSecrets", "secretsmanager:DescribeSecret"], "Secret rotation is enabled", "TRUE", "FALSE", "Enable rotation with a rotation function"),
 "10.0-02": ("medium", ["ssm:DescribeParameters"], "Parameters holding secrets are SecureString", "SecureString", "String", "Recreate the parameter as SecureString"),
 "10.0-03": ("high", ["iam:ListUsers", "iam:ListAccessKeys", "iam:GetAccessKeyLastUsed"], "Long-unused access keys are retired", "<=90 days", ">90 days", "Deactivate or delete the key"),
 "10.0-04": ("medium", ["kms:ListKeys", "kms:DescribeKey", "kms:GetKeyRotationStatus"], "Automatic key rotation", "TRUE", "FALSE", "Enable rotation"),
 "10.0-05": ("critical", ["iam:GetAccountSummary"], "The root user has MFA", "1", "0", "Enable MFA for the root user"),
 "11.0-01": ("medium", ["organizations:ListRoots", "organizations:ListOrganizationalUnitsForParent"], "Accounts are separated into dev/test/prod OUs", "2 or more", "single OU", "Create OUs and move the accounts"),
 "11.0-02": ("medium", ["config:DescribeConformancePacks", "config:DescribeConformancePackStatus"], "Conformance packs apply a baseline per environment", ">=1", "absent", "Deploy a conformance pack"),
 "11.0-03": ("low", ["s3:ListAllMyBuckets", "s3:GetBucketNotification"], "Uploads trigger a masking / normalising function", "present", "absent", "Connect a Lambda notification to the bucket"),
 "11.0-04": ("medium", ["ram:GetResourceShares"], "Resource shares stay inside the organization", "ACTIVE", "public / unclear", "Restrict the share principals to the organization"),
 "12.0-01": ("medium", ["ec2:DescribeVpcEndpoints", "ec2:DescribeVpcEndpointServices"], "Private (interface endpoint) paths are used", "present", "absent", "Create an interface endpoint with private DNS"),
 "12.0-02": ("low", ["datasync:ListTasks"], "Transfers run as DataSync tasks with policy and encryption", "present", "absent", "Create a task"),
 "12.0-03": ("medium", ["transfer:ListServers", "transfer:DescribeServer"], "Servers enforce secure protocols", "FTPS/SSH", "NONE", "Update the server security policy"),
 "12.0-04": ("high", ["s3:ListAllMyBuckets", "s3:GetBucketLocation", "s3:GetBucketPolicy"], "Every Allow of the bucket policy to a principal outside the account carries an organization condition (or a Deny unless aws:PrincipalOrgID covers it); a bucket shared with no one needs none", "contains aws:PrincipalOrgID, or nothing shared outside the account", "an external Allow without an organization condition", "Add an organization condition to the policy"),
 "12.0-05": ("medium", ["cloudfront:ListDistributions"], "S3 origins are restricted by OAC/OAI", "present", "absent", "Create an origin access control and attach it"),
 "13.0-01": ("medium", ["eks:ListClusters", "eks:DescribeCluster"], "OIDC provider and IAM roles for service accounts", "present", "absent", "Associate an OIDC provider and bind service accounts to IAM roles"),
 "13.0-02": ("medium", ["lakeformation:ListPermissions"], "Permissions are separated per tenant with LF-Tags", "separated per tenant", "shared permissions", "Grant with LF-Tag restrictions"),
 "13.0-03": ("high", ["s3:ListAccessPoints", "s3:GetAccessPointPolicyStatus"], "Access point policies are not public", "FALSE", "TRUE", "Make the access point policy private or VPC-only"),
 "13.0-04": ("low", ["kms:ListKeys", "kms:ListResourceTags"], "Tenant keys are tagged and separated", "tenant tag present", "absent", "Separate keys per tenant and tag them"),
 "14.0-01": ("low", ["sagemaker:ListLabelingJobs"], "Labeling jobs complete with secure settings", "Completed", "Failed", "Review workforce permissions and encryption, then rerun"),
 "14.0-02": ("medium", ["s3:ListAllMyBuckets", "s3:GetBucketLogging"], "Server access logging on the labelling bucket", "present", "absent", "Enable server access logging"),
 "14.0-03": ("low", ["cloudtrail:LookupEvents"], "Labelling events are traceable in CloudTrail", "present", "absent", "Enable a trail with storage"),
 "15.0-01": ("low", ["sagemaker:ListPipelines"], "Pipelines have no needless triggers", "present", "absent", "Refine the pipeline definition and add conditions"),
 "15.0-02": ("low", ["events:ListRules", "events:ListTargetsByRule"], "Rules do not target themselves in a loop", "<=1 (acyclic)", "self-referencing repeats", "Remove the cyclic targets"),
 "15.0-03": ("low", ["states:ListStateMachines", "states:ListExecutions"], "Concurrency and retries are bounded", "RUNNING <= N", "too many concurrent runs", "Add throttling and retry limits to the definition"),
 "15.0-04": ("low", ["s3:ListAllMyBuckets", "s3:GetBucketNotification"], "Upload triggers are not excessive or circular", "no excess or cycles", "circular / duplicated", "Clean up and filter the event rules"),
 "16.0-01": ("low", ["codecommit:ListRepositories", "codecommit:ListAssociatedApprovalRuleTemplatesForRepository"], "Approval rules protect branches", "present", "absent", "Create and associate an approval rule template"),
 "16.0-02": ("medium", ["codepipeline:ListPipelines", "codepipeline:GetPipelineState"], "A manual approval stage exists", "includes ManualApproval", "absent", "Add a manual approval action"),
 "16.0-03": ("medium", ["codebuild:ListProjects", "codebuild:BatchGetProjects"], "Build artifacts are KMS-encrypted and secrets are external", "key present, false", "no key / true", "Edit the project: encryption key and Parameter Store"),
 "16.0-04": ("low", ["cloudformation:ListStackSets", "organizations:DescribeOrganization"], "Baselines are deployed across accounts and regions", "present", "absent", "Create a StackSet targeting the OUs"),
 "16.0-05": ("low", ["codedeploy:ListApplications", "codedeploy:ListDeploymentGroups", "codedeploy:GetDeploymentGroup"], "Blue/green deployments with approval hooks", "WITH_TRAFFIC_CONTROL", "IN_PLACE", "Configure the deployment group for blue/green"),
}
SERVICE_EN = {"Root 계정 MFA": "Root account MFA", "S3 버전관리(로그 버킷)": "S3 versioning (log bucket)",
              "RDS 백업 보존": "RDS backup retention", "EBS 스냅샷 수명주기": "EBS snapshot lifecycle",
              "Glue 카탈로그 스키마": "Glue catalog schema", "ECR 이미지 불변태깅": "ECR immutable image tags",
              "EC2/EBS 백업": "EC2/EBS backup", "KMS 키 회전": "KMS key rotation",
              "S3 Access Points(VPC 전용)": "S3 Access Points (VPC only)", "RAM 공유 제한": "RAM sharing limits",
              "KMS(테넌트 키)": "KMS (tenant keys)", "S3 접근 로그": "S3 access logs",
              "CloudTrail 이벤트": "CloudTrail events", "S3 이벤트 트리거": "S3 event triggers"}
ENTITY_EN = {"Account(루트) 설정": "Account (root) settings", "Bucket(SSE 설정)": "Bucket (SSE configuration)"}
PATH_WORDS = [("리포지토리 설정", "Repository settings"), ("버킷 정책", "Bucket policy"), ("자격증명 보고서", "Credential report"), ("계정 설정", "Account settings"), ("액세스 분석기", "Access analyzer"),
              ("대시보드", "Dashboard"), ("버킷", "Bucket"), ("속성", "Properties"), ("구성", "Configuration"),
              ("테이블", "Table"), ("암호화", "Encryption"), ("클러스터", "Clusters"), ("도메인", "Domain"),
              ("보안그룹", "Security groups"), ("보안", "Security"), ("설정", "Settings"), ("큐", "Queue"), ("토픽", "Topic"),
              ("파일시스템", "File systems"), ("일반", "General"), ("배포", "Distribution"), ("기본", "General"),
              ("트레일", "Trails"), ("로그 그룹", "Log groups"), ("관리", "Management"), ("백업 정책", "Backup policy"),
              ("백업", "Backups"), ("인스턴스", "Instances"), ("키", "Keys"), ("태그", "Tags"), ("권한", "Permissions"),
              ("서버 액세스 로그", "Server access logging"), ("리포지토리 설정", "Repository settings"),
              ("브랜치", "Branches"), ("DB", "DB"), ("AWSp Backup", "AWS Backup")]


def en_path(text):
    for ko, en in PATH_WORDS:
        text = text.replace(ko, en)
    return text


def norm_code(raw):
    """Repairs spreadsheet-mangled mapping codes: 1.000004 -> 1.0-04, 'code 4.0-06' -> 4.0-06."""
    c = raw.strip().replace("code ", "")
    m = re.fullmatch(r"(\d+)\.0000(\d\d)", c)
    if m:
        return f"{m.group(1)}.0-{m.group(2)}"
    return c


# code: the placeholder of cli_fix_cmd that names the checked resource, so that a failing
# resource's fix can be printed with its own id (REGION and ACC are filled for every code).
FIX_PLACEHOLDER = {
    "1.0-03": "USER", "10.0-03": "USER", "2.0-01": "BUCKET", "2.0-03": "TBL", "2.0-04": "CL",
    "2.0-07": "CLUSTER", "2.0-10": "NAME", "2.0-11": "URL", "2.0-12": "ARN", "2.0-15": "DIST_ID",
    "2.0-16": "KEY_ID", "3.0-04": "LOG_GROUP", "3.0-05": "vpc-XXX", "3.0-06": "CLUSTER",
    "3.0-07": "ARN", "3.0-08": "DIST_ID", "3.0-10": "LOG_BUCKET", "4.0-01": "BUCKET",
    "4.0-03": "TBL", "4.0-04": "VAULT", "4.0-06": "DB", "5.0-07": "WG", "6.0-01": "NAME",
    "6.0-03": "REPO", "6.0-07": "REPO", "8.0-01": "sg-XXX", "8.0-02": "BUCKET", "8.0-09": "ID",
    "9.0-01": "TBL", "9.0-02": "DB", "9.0-04": "BUCKET", "9.0-05": "VAULT", "9.0-06": "FSID",
    "10.0-01": "ID", "10.0-02": "NAME", "10.0-04": "KEY_ID", "11.0-03": "BUCKET",
    "12.0-04": "BUCKET", "12.0-05": "DIST_ID", "13.0-04": "KEY_ID", "14.0-02": "LABEL_BUCKET",
    "15.0-01": "NAME", "15.0-04": "BUCKET", "16.0-01": "NAME", "16.0-03": "NAME",
}


def load_codes(report):
    rows = list(csv.reader(open(os.path.join(REF, "dspm-mapping-data", "mapping-standard.csv"), encoding="utf-8-sig")))
    out = []
    for r in rows[1:]:
        r = [x.strip() for x in r] + [""] * (12 - len(r))
        code = r[0]
        sev, iam, how, ok, bad, fix = CODES[code]
        cat_no = r[1].split(" ")[0]
        keep = lambda v, mine: mine if HANGUL.search(v) else v  # noqa: E731
        out.append({
            "code": code, "category": f"{cat_no} ({CATEGORY_EN[cat_no]})",
            "service": SERVICE_EN.get(r[2], r[2]), "resource_entities": ENTITY_EN.get(r[3], r[3]),
            "console_path": en_path(r[4]), "check_how": how, "cli_cmd": r[6], "return_field": r[7],
            "compliant_value": keep(r[8], ok), "non_compliant_value": keep(r[9], bad),
            "console_fix": fix, "cli_fix_cmd": "-" if HANGUL.search(r[11]) else (r[11] or "-"), "severity": sev, "iam_actions": iam,
        })
        for k, v in out[-1].items():
            if isinstance(v, str) and HANGUL.search(v):
                report["untranslated"].append(f"{code}.{k}")
    # 4.0-05 is not in the reference table but the frameworks map to it and the original service
    # checks it (Macie classification jobs): restored from those facts, after 4.0-04.
    code = "4.0-05"
    sev, iam, how, ok, bad, fix = CODES[code]
    at = next(i for i, c in enumerate(out) if c["code"] == "4.0-04") + 1
    out.insert(at, {
        "code": code, "category": f"4 ({CATEGORY_EN['4']})", "service": "Amazon Macie",
        "resource_entities": "ClassificationJob, AutomatedDiscoveryConfiguration",
        "console_path": "Macie > Jobs / Automated discovery", "check_how": how,
        "cli_cmd": "aws macie2 list-classification-jobs", "return_field": "items[].jobStatus",
        "compliant_value": ok, "non_compliant_value": bad, "console_fix": fix,
        "cli_fix_cmd": "aws macie2 update-automated-discovery-configuration --status ENABLED",
        "severity": sev, "iam_actions": iam,
    })
    assert len(out) == 105, len(out)
    for c in out:
        ph = FIX_PLACEHOLDER.get(c["code"])
        if ph:
            assert re.search(r"(?<![A-Za-z0-9_-])" + re.escape(ph) + r"(?![A-Za-z0-9_-])", c["cli_fix_cmd"]), c["code"]
            c["fix_placeholder"] = ph
    return out


# --- the peer's check ids mapped to our codes by meaning (judgement; regex on the check id) -----
PEER_RULES = [
    (r"^s3_bucket_(default|kms)_encryption$", ["2.0-01"]),
    (r"^rds_(instance|cluster)_storage_encrypted$|^rds_snapshots_encrypted$", ["2.0-02"]),
    (r"^dynamodb_tables_kms_cmk_encryption_enabled$", ["2.0-03"]),
    (r"^redshift_cluster_encrypted_at_rest$", ["2.0-04"]),
    (r"^opensearch_service_domains_encryption_at_rest_enabled$", ["2.0-05"]),
    (r"^opensearch_service_domains_node_to_node_encryption_enabled$", ["2.0-06"]),
    (r"^eks_cluster_kms_cmk_encryption_in_secrets_enabled$", ["2.0-07"]),
    (r"^elasticache_redis_cluster_(in_transit|rest)_encryption_enabled$", ["2.0-08"]),
    (r"^elbv?2?_(ssl_listeners|insecure_ssl_ciphers)", ["2.0-09"]),
    (r"^kinesis_stream_encrypted_at_rest$", ["2.0-10"]),
    (r"^sqs_queues_server_side_encryption_enabled$", ["2.0-11"]),
    (r"^sns_topics_kms_encryption_at_rest_enabled$", ["2.0-12"]),
    (r"^efs_encryption_at_rest_enabled$", ["2.0-13"]),
    (r"^kafka_cluster_(encryption_at_rest_uses_cmk|in_transit_encryption_enabled|mutual_tls_authentication_enabled)$", ["2.0-14"]),
    (r"^cloudfront_distributions_(https_enabled|using_deprecated_ssl_protocols)$", ["2.0-15"]),
    (r"^kms_cmk_rotation_enabled$", ["2.0-16", "10.0-04"]),
    (r"^cloudtrail_(multi_region_enabled|log_file_validation_enabled|multi_region_enabled_logging_management_events)$", ["3.0-01"]),
    (r"^cloudtrail_s3_dataevents_(read|write)_enabled$", ["3.0-02"]),
    (r"^config_recorder_all_regions_enabled$", ["3.0-03"]),
    (r"^cloudwatch_log_group_retention_policy_specific_days_enabled$", ["3.0-04"]),
    (r"^vpc_flow_logs_enabled$", ["3.0-05"]),
    (r"^eks_control_plane_logging_all_types_enabled$", ["3.0-06"]),
    (r"^elbv?2?_logging_enabled$", ["3.0-07"]),
    (r"^cloudfront_distributions_logging_enabled$", ["3.0-08"]),
    (r"^s3_bucket_object_versioning$", ["3.0-10"]),
    (r"^cloudtrail_insights_exist$", ["3.0-11"]),
    (r"^s3_bucket_lifecycle_enabled$", ["4.0-01"]),
    (r"^s3_bucket_object_lock$", ["4.0-02"]),
    (r"^rds_instance_backup_enabled$", ["4.0-06"]),
    (r"^dlm_ebs_snapshot_lifecycle_policy_exists$", ["4.0-07", "9.0-07"]),
    (r"^athena_workgroup_(enforce_configuration|logging_enabled)$", ["5.0-07"]),
    (r"^ecr_registry_scan_images_on_push_enabled$", ["6.0-03"]),
    (r"^inspector2_is_enabled$", ["6.0-04"]),
    (r"^securityhub_enabled$", ["7.0-01"]),
    (r"^guardduty_is_enabled$", ["7.0-02"]),
    (r"^cloudwatch_(log_metric_filter_|changes_to_)", ["7.0-03"]),
    (r"^ec2_securitygroup_allow_(ingress_from_internet|wide_open)", ["8.0-01"]),
    (r"^s3_(bucket_level|account_level)_public_access_blocks?$|^s3_bucket_public_access$", ["8.0-02"]),
    (r"^(wafv2_webacl_with_rules|elbv2_waf_acl_attached|cloudfront_distributions_using_waf|apigateway_restapi_waf_acl_attached)$", ["8.0-03"]),
    (r"^shield_advanced_protection_", ["8.0-04"]),
    (r"^networkfirewall_in_all_vpc$", ["8.0-07"]),
    (r"^s3_access_point_public_access_block$", ["8.0-08", "13.0-03"]),
    (r"^apigateway_restapi_public$", ["8.0-09"]),
    (r"^dynamodb_tables_pitr_enabled$", ["9.0-01"]),
    (r"^rds_(instance|cluster)_multi_az$", ["9.0-02"]),
    (r"^backup_plans_exist$", ["9.0-03"]),
    (r"^s3_bucket_cross_region_replication$", ["9.0-04"]),
    (r"^efs_have_backup_enabled$", ["9.0-06"]),
    (r"^secretsmanager_(automatic_rotation_enabled|secret_rotated_periodically)$", ["10.0-01"]),
    (r"^iam_(rotate_access_key_90_days|user_accesskey_unused)$", ["10.0-03"]),
    (r"^iam_root_(hardware_)?mfa_enabled$", ["1.0-06", "10.0-05"]),
    (r"^iam_user_(mfa_enabled_console_access|hardware_mfa_enabled|console_access_unused)$", ["1.0-03"]),
    (r"^iam_password_policy_", ["1.0-04"]),
    (r"^accessanalyzer_enabled", ["1.0-05"]),
    (r"^organizations_scp_check_deny_regions$", ["1.0-02"]),
    (r"^iam_(aws_attached|customer_attached|inline)_policy_no_administrative_privileges$|^iam_policy_allows_privilege_escalation$", ["1.0-01"]),
    (r"^vpc_endpoint_(connections_trust_boundaries|services_allowed_principals_trust_boundaries|for_ec2_enabled)$", ["12.0-01"]),
    (r"^transfer_server_in_transit_encryption_enabled$", ["12.0-03"]),
    (r"^s3_bucket_(secure_transport_policy|cross_account_access)$", ["12.0-04"]),
    (r"^cloudfront_distributions_s3_origin_access_control$", ["12.0-05"]),
    (r"^(s3_bucket_server_access_logging_enabled|cloudtrail_logs_s3_bucket_access_logging_enabled)$", ["14.0-02"]),
    (r"^codebuild_project_(s3_logs_encrypted|no_secrets_in_variables)$", ["16.0-03"]),
]


def peer_codes(checks):
    out = []
    for check in checks:
        for pattern, codes in PEER_RULES:
            if re.search(pattern, check):
                out += [c for c in codes if c not in out]
    return out


def uniq(seq):
    out = []
    for x in seq:
        if x and x not in out:
            out.append(x)
    return out


def split_codes(raw, known, report, where):
    codes = []
    for part in re.split(r"[;,]", raw or ""):
        part = part.strip()
        if not part or part == "해당없음":
            continue
        code = norm_code(part)
        if code not in known:
            report["unknown_codes"].append({"code": code, "raw": part, "where": where})
            continue
        codes.append(code)
    return uniq(codes)


# --- control names (facts) that the reference rows lack in English ------------------------------
ISO27001_CLAUSES = {"7.5.3": "Control of documented information", "8.2": "Information security risk assessment",
                    "8.3": "Information security risk treatment", "10.1": "Continual improvement",
                    "10.2": "Nonconformity and corrective action"}
NAMES = {
    "iso-27017": {"8.1.1": "Inventory of assets", "8.2.2": "Labelling of information",
                  "9.1.2": "Access to networks and network services", "13.1.3": "Segregation in networks",
                  "16.1.7": "Collection of evidence", "18.1.3": "Protection of records",
                  "CLD.6.3.1": "Shared roles and responsibilities within a cloud computing environment",
                  "CLD.8.1.5": "Removal of cloud service customer assets",
                  "CLD.9.5.1": "Segregation in virtual computing environments",
                  "CLD.9.5.2": "Virtual machine hardening", "CLD.12.1.5": "Administrator's operational security",
                  "CLD.12.4.5": "Monitoring of cloud services",
                  "CLD.13.1.4": "Alignment of security management for virtual and physical networks"},
    "iso-27701": {"5.4.1.2": "Information security risk assessment",
                  "6.13.1.5": "Response to information security incidents",
                  "6.15.2.3": "Technical compliance review", "7.2.5": "Privacy impact assessment",
                  "7.2.8": "Records related to processing PII", "7.3.8": "Providing copy of PII processed",
                  "7.3.6": "Access, correction and/or erasure"},
    "iso-42001": {"8.1": "Operational planning and control", "8.2": "AI risk assessment",
                  "8.3": "AI risk treatment", "8.4": "AI system impact assessment",
                  "10.1": "Continual improvement", "10.2": "Nonconformity and corrective action",
                  "A.4.3": "Data resources", "A.6.2.8": "AI system recording of event logs",
                  "A.7.5": "Data provenance"},
    "eu-ai-act": {"6": "Classification rules for high-risk AI systems", "9": "Risk management system",
                  "14": "Human oversight", "16": "Obligations of providers of high-risk AI systems",
                  "18": "Documentation keeping", "43": "Conformity assessment",
                  "53": "Obligations for providers of general-purpose AI models",
                  "55": "Obligations of providers of general-purpose AI models with systemic risk",
                  "74": "Market surveillance and control of AI systems in the Union market",
                  "77": "Powers of authorities protecting fundamental rights"},
    "GDPR": {"5": "Principles relating to processing of personal data",
             "9": "Processing of special categories of personal data", "16": "Right to rectification",
             "17": "Right to erasure ('right to be forgotten')", "24": "Responsibility of the controller",
             "25": "Data protection by design and by default", "28": "Processor",
             "29": "Processing under the authority of the controller or processor",
             "30": "Records of processing activities", "32": "Security of processing",
             "33": "Notification of a personal data breach to the supervisory authority",
             "34": "Communication of a personal data breach to the data subject",
             "35": "Data protection impact assessment", "82": "Right to compensation and liability",
             "83": "General conditions for imposing administrative fines",
             "87": "Processing of the national identification number",
             "88": "Processing in the context of employment",
             "89": "Safeguards and derogations for archiving, research or statistical purposes"},
}
SOC2_KO = {"변경 사항은 사용자에게 통보됨": "Changes communicated to users", "내부 통제 검토": "Internal control review",
           "이벤트 로깅": "Event logging", "로그 접근 제한": "Log access restriction", "시스템 모니터링": "System monitoring",
           "인프라 접근 제한": "Access restriction to infrastructure",
           "퇴직 직원의 접근 권한 철회": "Access revoked to terminated employees",
           "고객 데이터 분리": "Customer data segmentation", "다중 인증(MFA) 적용": "Multi-factor authentication (MFA) enforced",
           "SDLC 내 직무 분리": "SDLC segregation of duties",
           "백업 및 복구 시험 및 모니터링": "Backup and restoration testing and monitoring",
           "암호화 키 관리": "Cryptographic key management", "저장 데이터 암호화": "Data at rest encryption",
           "전송 데이터 암호화": "Data in motion encryption", "데이터 유출 관리": "Data breach management",
           "사고 관리 프로세스": "Incident management process", "변경 관리 승인": "Change management approval",
           "변경 관리 프로세스": "Change management process", "코드 변경 문서화": "Code changes documentation",
           "긴급 변경 프로세스": "Emergency change process"}
# Items added beyond the reference rows, mapped by judgement (see data/catalog/README.md).
EXTRA = {
    "iso-27017": {"CLD.6.3.1": [], "CLD.9.5.2": ["8.0-01", "6.0-04", "6.0-03"],
                  "CLD.12.1.5": ["3.0-01", "1.0-06", "16.0-02"]},
    "GDPR": {"Art. 28": ["12.0-04", "11.0-04", "1.0-02"], "Art. 33": ["7.0-02", "7.0-01", "3.0-01", "7.0-04"],
             "Art. 34": ["7.0-02", "7.0-01", "3.0-01"], "Art. 35": []},
}
FULL_NAME = {"ISMS-P": "ISMS-P 2023 (Korea Personal Information & Information Security Management System)",
             "iso-27001": "ISO/IEC 27001:2022", "iso-27017": "ISO/IEC 27017:2015", "iso-27701": "ISO/IEC 27701:2019",
             "GDPR": "EU General Data Protection Regulation", "PIPA": "Korea Personal Information Protection Act",
             "soc2": "SOC 2", "eu-ai-act": "EU Artificial Intelligence Act", "iso-42001": "ISO/IEC 42001:2023",
             "nist-ai-rmf": "NIST AI Risk Management Framework 1.0", "SAGE-Threat": "SAGE data/AI threat scenarios",
             "korea-ai-act": "Korea AI Basic Act"}


def key_for(fw, title):
    """The identity of a reference row inside its framework, so English and Korean rows merge."""
    t = title.strip()
    if fw == "iso-27001":
        num = re.match(r"^([\d.]+)", t).group(1)
        if num in ("7.5.3", "10.1", "10.2") or "risk assessment" in t.lower() and num == "8.2" and "Privileged" not in t \
                or "위험 평가" in t or "위험 처리" in t:
            return num
        return "A." + num
    if fw in ("iso-27017", "iso-27701", "iso-42001"):
        return re.match(r"^((?:CLD\.|A\.)?\d+(?:\.\d+)*)", t).group(1)
    if fw == "GDPR":
        m = re.match(r"^(?:Article (\d+)|제(\d+)조)", t)
        art = m.group(1) or m.group(2)
        para = re.search(r"\((\d)(?:·\d)?(?:항)?\)\s*$", t)
        if "(컨트롤러)" in t:
            return f"Art. {art}(1)"
        if "(프로세서)" in t:
            return f"Art. {art}(2)"
        return f"Art. {art}({para.group(1)})" if para else f"Art. {art}"
    if fw == "eu-ai-act":
        m = re.match(r"^(?:Article (\d+)|제(\d+)조)", t)
        return f"Art. {m.group(1) or m.group(2)}"
    if fw == "soc2":
        for ko, en in SOC2_KO.items():
            if t.endswith(ko):
                return en
        return t
    return t


def title_for(fw, key, raw_titles):
    if fw == "iso-27001":
        return ISO27001_CLAUSES.get(key) or ANNEX_A.get(key)
    if fw == "GDPR":
        return NAMES["GDPR"].get(re.match(r"Art\. (\d+)", key).group(1))
    if fw == "eu-ai-act":
        num = key.split(" ")[1]
        for t in raw_titles:
            m = re.match(r"^Article \d+ (.*)$", t)
            if m:
                return m.group(1)
        return NAMES["eu-ai-act"].get(num)
    if fw in NAMES and key in NAMES[fw]:
        return NAMES[fw][key]
    for t in raw_titles:
        if not HANGUL.search(t):
            rest = t[len(key):].strip() if t.startswith(key) else t
            return rest or t
    return None


ANNEX_A = {}


def natural(code):
    return [int(p) if p.isdigit() else p for p in re.split(r"[.\s-]", code)]


def isms_p(api_rows, mapped_rows, known, report):
    pdir = os.path.join(REF, "prowler-compliance")
    en = {r["Id"].strip(): r for r in json.load(open(os.path.join(pdir, "kisa_isms_p_2023_aws.json")))["Requirements"]}
    ko = {r["Id"].strip(): r for r in json.load(open(os.path.join(pdir, "kisa_isms_p_2023_korean_aws.json")))["Requirements"]}
    assert len(en) == 101 and set(en) == set(ko)

    def clean(raw, text):
        parts = raw.split(".")
        cands = {raw}
        if len(parts[1]) > 1 and parts[1].endswith("0"):
            cands.add(".".join([parts[0], parts[1][:-1]] + parts[2:]))
        scored = []
        for c in cands:
            p = c.split(".")
            ctl = ".".join(p[:3])
            if ctl not in ko or len(p) != 4:
                continue
            checklist = ko[ctl]["Attributes"][0].get("AuditChecklist", [])
            j = int(p[3]) - 1
            target = checklist[j] if 0 <= j < len(checklist) else ""
            scored.append((difflib.SequenceMatcher(None, target, text).ratio(), c))
        if not scored:
            # Ids like 0.0.2.2 carry no usable digits: place the row by its question text.
            for ctl, r in ko.items():
                for j, q in enumerate(r["Attributes"][0].get("AuditChecklist", [])):
                    scored.append((difflib.SequenceMatcher(None, q, text).ratio(), f"{ctl}.{j + 1}"))
            best = max(scored)
            if best[0] < 0.6:
                report["unresolved_items"].append(raw)
                return None
            report["repaired_ids"].append(f"ISMS-P {raw} -> {best[1]} (by question text, {best[0]:.2f})")
            return best[1]
        best = max(scored)[1]
        if best != raw:
            report["repaired_ids"].append(f"ISMS-P {raw} -> {best}")
        return best

    details = {}
    for r in api_rows:
        details[r["item_code"]] = {"id": r["id"], "item_code": r["item_code"],
                                   "codes": split_codes(";".join(r["mapping_codes"] or []), known, report, f"ISMS-P/{r['id']}")}
    for r in mapped_rows:
        code = clean(r["세부항목"].strip(), r["규제내용"])
        if not code:
            continue
        codes = split_codes(r["매핑ID"], known, report, f"compliance-mapped ISMS-P {r['세부항목']}")
        if code in details:
            if codes and codes != details[code]["codes"]:
                report["merged_duplicates"].append(f"ISMS-P {code}")
            details[code]["codes"] = uniq(details[code]["codes"] + codes)
        else:
            details[code] = {"id": None, "item_code": code, "codes": codes}
    items = []
    for cid, r in en.items():
        children = [d for k, d in details.items() if k.startswith(cid + ".")]
        ref_codes = uniq([c for d in children for c in d["codes"]])
        peer = peer_codes(r["Checks"])
        codes = uniq(ref_codes + peer)
        name_en, name_ko = r["Name"], ko[cid]["Name"]
        item = {"id": None, "item_code": cid, "title": name_ko, "title_en": name_en,
                "regulation": f"ISMS-P 2023 control {cid} ({name_en}): the {len(ko[cid]['Attributes'][0].get('AuditChecklist', []))} audit checkpoints of this control.",
                "mapping_codes": codes, "sources": {"reference": ref_codes, "peer": peer}}
        if not codes:
            domain = cid.split(".")[0]
            item["not_auditable_reason"] = {
                "1": "Management-system control: it is evidenced by documents, decisions and reviews, not by AWS configuration.",
                "2": "Organisational, physical or procedural protection measure: no AWS API exposes its state.",
                "3": "Personal-information processing obligation (notices, consent, data-subject rights): judged from procedures and records, not from AWS configuration.",
            }[domain]
        items.append(item)
    for code, d in details.items():
        ctl = ".".join(code.split(".")[:3])
        j = int(code.split(".")[3])
        item = {"id": d["id"], "item_code": code, "title": f"{ko[ctl]['Name']} ({j})",
                "title_en": f"{en[ctl]['Name']} (checkpoint {j})", "parent": ctl,
                "regulation": f"Audit checkpoint {j} of ISMS-P 2023 control {ctl} ({en[ctl]['Name']}).",
                "mapping_codes": d["codes"]}
        if not d["codes"]:
            item["not_auditable_reason"] = "The reference marks this checkpoint as not applicable to an AWS configuration check."
        items.append(item)
    items.sort(key=lambda x: natural(x["item_code"]))
    return items


def generic(fw, api_rows, mapped_rows, known, report):
    merged = {}
    order = []
    for r in api_rows:
        k = key_for(fw, r["item_code"])
        codes = split_codes(";".join(r["mapping_codes"] or []), known, report, f"{fw}/{r['id']}")
        if k in merged:
            report["merged_duplicates"].append(f"{fw} {k}")
            merged[k]["codes"] = uniq(merged[k]["codes"] + codes)
            merged[k]["aliases"].append(r["item_code"])
            continue
        merged[k] = {"id": r["id"], "codes": codes, "titles": [r["item_code"]], "aliases": [r["item_code"]]}
        order.append(k)
    for r in mapped_rows:
        k = key_for(fw, r["세부항목"])
        codes = split_codes(r["매핑ID"], known, report, f"compliance-mapped {fw} {r['세부항목']}")
        if k in merged:
            merged[k]["codes"] = uniq(merged[k]["codes"] + codes)
            merged[k]["titles"].append(r["세부항목"].strip())
            continue
        merged[k] = {"id": None, "codes": codes, "titles": [r["세부항목"].strip()], "aliases": []}
        order.append(k)
    if fw == "iso-27001":
        for k in ANNEX_A:
            if k not in merged:
                merged[k] = {"id": None, "codes": [], "titles": [], "aliases": []}
                order.append(k)
    for k, codes in EXTRA.get(fw, {}).items():
        if k not in merged:
            merged[k] = {"id": None, "codes": list(codes), "titles": [], "aliases": []}
            order.append(k)
    items = []
    for k in order:
        m = merged[k]
        title = title_for(fw, k, m["titles"])
        ko_title = next((t for t in m["titles"] if HANGUL.search(t)), None)
        if title is None:
            title = ko_title or k
        item_code = k
        item = {"id": m["id"], "item_code": item_code,
                "title": title if fw not in ("PIPA", "SAGE-Threat", "korea-ai-act") else k,
                "title_en": title if not HANGUL.search(title) else "",
                "regulation": f"{FULL_NAME[fw]}, {item_code}" + ("" if title == k else f": {title}") + ".",
                "mapping_codes": m["codes"]}
        if fw == "iso-27001" and k.startswith("A."):
            item["sources"] = {"peer": ANNEX_PEER.get(k, [])}
            item["mapping_codes"] = uniq(m["codes"] + ANNEX_PEER.get(k, []))
        aliases = [a for a in uniq(m["aliases"]) if a != item_code]
        if aliases:
            item["aliases"] = aliases
        if not item["mapping_codes"]:
            item["not_auditable_reason"] = (
                "No AWS configuration check evaluates this requirement: it is met by policy, contracts, "
                "people or procedures.")
        items.append(item)
    if fw == "iso-27001":
        items.sort(key=lambda x: (x["item_code"].startswith("A."), natural(x["item_code"].replace("A.", ""))))
    return items


ANNEX_PEER = {}


def main():
    report = {"unknown_codes": [], "repaired_ids": [], "merged_duplicates": [], "unresolved_items": [],
              "untranslated": []}
    codes = load_codes(report)
    known = {c["code"] for c in codes}
    pdir = os.path.join(REF, "prowler-compliance")
    for r in json.load(open(os.path.join(pdir, "iso27001_2022_aws.json")))["Requirements"]:
        ANNEX_A[r["Id"]] = r["Name"]
        ANNEX_PEER[r["Id"]] = peer_codes(r["Checks"])
    ANNEX_A.setdefault("A.8.28", "Secure coding")  # the peer file omits it; the 2022 Annex A has 93
    assert len(ANNEX_A) == 93
    gdpr_peer = {r["Id"]: peer_codes(r["Checks"]) for r in json.load(open(os.path.join(pdir, "gdpr_aws.json")))["Requirements"]}

    api = json.load(open(os.path.join(REF, "dspm-mapping-api", "requirements_by_framework.json")))
    mapped = list(csv.DictReader(open(os.path.join(REF, "dspm-mapping-data", "compliance-mapped.csv"), encoding="utf-8-sig")))
    by_fw = {}
    for r in mapped:
        by_fw.setdefault(r["컴플라이언스"].strip(), []).append(r)
    frameworks = {}
    order = ["ISMS-P", "iso-27001", "iso-27017", "iso-27701", "GDPR", "PIPA", "soc2", "eu-ai-act", "iso-42001",
             "nist-ai-rmf", "SAGE-Threat", "korea-ai-act"]
    for fw in order:
        if fw == "ISMS-P":
            frameworks[fw] = isms_p(api.get(fw, []), by_fw.get(fw, []), known, report)
        else:
            frameworks[fw] = generic(fw, api.get(fw, []), by_fw.get(fw, []), known, report)
    # The peer maps GDPR Articles 25, 30 and 32 as a whole: add its codes to every paragraph row.
    for item in frameworks["GDPR"]:
        art = re.match(r"Art\. (\d+)", item["item_code"]).group(1)
        extra = gdpr_peer.get(f"article_{art}", [])
        if extra:
            item["mapping_codes"] = uniq(item["mapping_codes"] + extra)
            item.pop("not_auditable_reason", None)

    # SAGE-Threat rows name the requirements of other frameworks each threat answers to (the
    # "applicable compliance" column of the reference table); the clients resolve them to rows.
    gorn = list(csv.reader(open(os.path.join(REF, "dspm-mapping-data", "compliance-gorn.csv"), encoding="utf-8-sig")))
    applicable = {}
    for r in gorn[1:]:
        if len(r) > 11 and r[2].strip() == "SAGE-Threat":
            tokens = uniq([t.strip() for t in r[11].split(";") if t.strip()])
            if tokens:
                applicable[key_for("SAGE-Threat", r[0])] = ";".join(tokens)
    for item in frameworks["SAGE-Threat"]:
        if item["item_code"] in applicable:
            item["applicable_compliance"] = applicable[item["item_code"]]

    # Stable ids: reference ids kept; ids already released in data/catalog are kept; new ones after the max.
    released = {}
    for fw in order:
        path = os.path.join(OUT, "frameworks", f"{fw.lower()}.json")
        if os.path.exists(path):
            for r in json.load(open(path, encoding="utf-8"))["requirements"]:
                released[(fw, r["item_code"])] = r["id"]
    used = {r["id"] for rows in api.values() for r in rows} | set(released.values())
    next_id = max(used) + 1
    for fw in order:
        for item in frameworks[fw]:
            if item["id"] is None:
                item["id"] = released.get((fw, item["item_code"]))
            if item["id"] is None:
                item["id"] = next_id
                next_id += 1

    os.makedirs(os.path.join(OUT, "frameworks"), exist_ok=True)
    index = []
    for fw in order:
        rows = []
        for it in frameworks[fw]:
            row = {"id": it["id"], "item_code": it["item_code"], "title": it["title"], "title_en": it["title_en"],
                   "mapping_status": "직접매핑" if it["mapping_codes"] else "해당없음",
                   "regulation": it["regulation"], "mapping_codes": it["mapping_codes"],
                   "auditable": bool(it["mapping_codes"])}
            if not it["mapping_codes"]:
                row["not_auditable_reason"] = it["not_auditable_reason"]
            for extra in ("parent", "aliases", "applicable_compliance", "sources"):
                if extra in it:
                    row[extra] = it[extra]
            rows.append(row)
        doc = {"framework": fw, "name": FULL_NAME[fw], "requirements": rows}
        with open(os.path.join(OUT, "frameworks", f"{fw.lower()}.json"), "w", encoding="utf-8") as f:
            json.dump(doc, f, ensure_ascii=False, indent=1)
            f.write("\n")
        index.append({"framework": fw, "file": f"frameworks/{fw.lower()}.json", "name": FULL_NAME[fw],
                      "requirements": len(rows), "mapped": sum(1 for r in rows if r["mapping_codes"])})
    with open(os.path.join(OUT, "mappings.json"), "w", encoding="utf-8") as f:
        json.dump({"mappings": codes}, f, ensure_ascii=False, indent=1)
        f.write("\n")
    # Threat groups: each group's name and the titles of the SAGE-Threat scenarios it gathers.
    groups = []
    for r in csv.DictReader(open(os.path.join(REF, "dspm-mapping-data", "threat_groups.csv"), encoding="utf-8-sig")):
        name = r["위협 그룹"].strip()
        threats = uniq([t.strip() for t in r["위협"].split(";") if t.strip()])
        if name:
            groups.append({"name": name, "threats": threats})
    with open(os.path.join(OUT, "threat_groups.json"), "w", encoding="utf-8") as f:
        json.dump({"groups": groups}, f, ensure_ascii=False, indent=1)
        f.write("\n")
    with open(os.path.join(OUT, "index.json"), "w", encoding="utf-8") as f:
        json.dump({"frameworks": index, "cleaning": report}, f, ensure_ascii=False, indent=1)
        f.write("\n")
    for e in index:
        print(f"{e['framework']:<12} {e['requirements']:>4} requirements, {e['mapped']:>4} mapped")
    print("unknown codes:", sorted({u["code"] for u in report["unknown_codes"]}))
    print("repaired ids:", len(report["repaired_ids"]), "unresolved:", report["unresolved_items"],
          "untranslated:", report["untranslated"])


if __name__ == "__main__":
    main()
